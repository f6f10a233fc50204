"""Dev check: sha256 of every document ``build`` renders for a fixed set of papers.

    python -m tests.benchmarks.render_hashes > before.json   # on the old code
    python -m tests.benchmarks.render_hashes --compare before.json

Renders the sample workspace (this repository) with seeds 1..5 for the default, judged
and interview blueprints, forms A and B (seeds 1 and 2 also with two variants of each
form), on the workspace's reference .docx and on the built-in default one. A change to the render code must leave every hash as it was.
Not a test: zlib's output may differ between platforms and library versions, so the
figures are compared on one machine, old code against new.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BLUEPRINTS = ("templates/default.yaml", "templates/judged.yaml", "templates/interview.yaml")
SEEDS = (1, 2, 3, 4, 5)


def document_hashes() -> dict[str, str]:
    """Return the sha256 of every rendered document, by blueprint, seed, reference, form and kind."""
    from examgen.paper.build import documents_to_write, draw_paper
    from examgen.render.paper import reference_path

    hashes = {}
    for blueprint in BLUEPRINTS:
        for seed in SEEDS:
            for variants in (None, 2):
                if variants and (seed > 2 or "interview" in blueprint):
                    continue
                paper = draw_paper(
                    REPO, blueprint_path=REPO / blueprint, seed=seed, forms=("A", "B"), variants=variants
                )
                for reference in (reference_path(paper.blueprint, REPO), None):
                    for owner, form, kinds in documents_to_write(paper):
                        for kind, render in kinds:
                            name = f"{blueprint} seed {seed} {'ref' if reference else 'default'} {kind}-{owner}"
                            hashes[name] = hashlib.sha256(render(paper, form, reference)).hexdigest()
    return hashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="JSON written earlier; report every document that differs")
    args = parser.parse_args(argv)
    hashes = document_hashes()
    if args.compare is None:
        json.dump(hashes, sys.stdout, indent=1, ensure_ascii=False)
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | hashes.keys() if before.get(k) != hashes.get(k))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(hashes) - len(differ)} of {len(hashes)} documents identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

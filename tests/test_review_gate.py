"""The review gate: `examgen build` refuses questions tagged 导入待审 in the sections it draws."""

from __future__ import annotations

from examgen.cli import main

UNREVIEWED = """\
- id: PR-901
  type: practical
  topic: 服务规范与礼仪
  difficulty: 3
  points: 10
  question: 模拟受理一通来电，写出开头语和结束语。
  key_points:
    - text: 开头语包含问候、工号和服务意愿。
      points: 5
    - text: 结束语包含感谢和道别。
      points: 5
  tags: [导入待审]
"""


def test_build_refuses_an_unreviewed_question_a_section_may_draw(runner, workspace):
    (workspace / "banks" / "imported.yaml").write_text(UNREVIEWED, encoding="utf-8")
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1"])
    assert result.exit_code == 1
    assert "imported.yaml:1: PR-901 is tagged “导入待审”" in result.output
    assert "、实训操作题 may draw it" in result.output  # the section's number depends on the blueprint
    assert "--allow-unreviewed" in result.output
    assert not (workspace / "output" / "default").exists()


def test_build_with_allow_unreviewed_draws_it(runner, workspace):
    (workspace / "banks" / "imported.yaml").write_text(UNREVIEWED, encoding="utf-8")
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1", "--allow-unreviewed"])
    assert result.exit_code == 0, result.output


def test_build_ignores_unreviewed_questions_no_section_draws(runner, workspace):
    # An interview question is not drawn by the default written paper.
    text = UNREVIEWED.replace("PR-901", "IV-901").replace("type: practical", "type: interview")
    (workspace / "banks" / "imported.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["build", "-w", str(workspace), "--seed", "1"])
    assert result.exit_code == 0, result.output


def test_bank_stats_counts_unreviewed_questions(runner, workspace):
    result = runner.invoke(main, ["bank", "stats", "-w", str(workspace)])
    assert "unreviewed (“导入待审”): 0 questions\n" in result.output
    (workspace / "banks" / "imported.yaml").write_text(UNREVIEWED, encoding="utf-8")
    result = runner.invoke(main, ["bank", "stats", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "unreviewed (“导入待审”): 1 question — examgen build refuses them" in result.output

"""The Chinese interface: complete catalogues, no line mixing languages, --lang and EXAMGEN_LANG."""

from __future__ import annotations

import string

import pytest

from examgen import i18n
from examgen.cli import main
from tests import catalogue
from tests.language import chinese_words, english_words, half_width_punctuation


@pytest.fixture(scope="module")
def extracted():
    return catalogue.extract()


@pytest.fixture(scope="module")
def chinese():
    return catalogue.read_catalogue()


def _ids(message):
    return message if isinstance(message, tuple) else (message,)


def _fields(text: str) -> set[str]:
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    import re

    return fields | set(re.findall(r"%\((\w+)\)[sd]", text))


def test_every_message_has_a_chinese_translation(extracted, chinese):
    missing = []
    for message, places in extracted:
        entry = chinese.get(_ids(message)[0])
        strings = entry.string if entry is not None else ""
        if entry is None or not all(_ids(strings)):
            missing.append(f"{places[0][0]}:{places[0][1]}: {_ids(message)[0]!r}")
    assert not missing, "no Chinese translation (run `python -m tests.catalogue`, then translate):\n" + "\n".join(missing)


def test_the_catalogue_holds_no_message_the_code_no_longer_uses(extracted, chinese):
    used = {_ids(message)[0] for message, _ in extracted}
    stale = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in chinese if m.id and _ids(m.id)[0] not in used)
    assert not stale, "run `python -m tests.catalogue`: " + repr(stale[:10])


def test_the_compiled_catalogue_is_up_to_date(chinese):
    assert catalogue.MO.read_bytes() == catalogue.compiled(chinese), "run `python -m tests.catalogue`"


def test_translations_keep_every_placeholder(chinese):
    wrong = []
    for entry in chinese:
        if not entry.id:
            continue
        # A plural entry: Chinese has one form, used for every count, so it takes the
        # placeholders of the general (plural) wording.
        source = _ids(entry.id)[-1]
        for target in _ids(entry.string):
            if target and _fields(source) != _fields(target):
                wrong.append(f"{source!r} → {target!r}")
    assert not wrong, "\n".join(wrong)


def test_english_messages_quote_the_chinese_they_name(extracted):
    mixed = [f"{places[0][0]}:{places[0][1]}: {text!r}" for message, places in extracted for text in _ids(message) if chinese_words(text)]
    assert not mixed, "Chinese in an English message must be a quoted label (“评委”):\n" + "\n".join(mixed)


def test_chinese_messages_are_chinese_with_full_width_punctuation(chinese):
    wrong = []
    for entry in chinese:
        for text in _ids(entry.string) if entry.id else ():
            words = english_words(text)
            marks = half_width_punctuation(text)
            if words or marks:
                wrong.append(f"{text!r}: {words} {marks}")
    assert not wrong, "\n".join(wrong)


def test_language_comes_from_the_option_then_the_environment(monkeypatch):
    monkeypatch.delenv("EXAMGEN_LANG", raising=False)
    i18n.set_language(None)
    assert i18n.current_language() == "zh"
    monkeypatch.setenv("EXAMGEN_LANG", "en_US.UTF-8")
    assert i18n.current_language() == "en"
    i18n.set_language("zh")
    assert i18n.current_language() == "zh"
    i18n.set_language(None)


def test_help_is_chinese_by_default_and_english_on_request(runner, monkeypatch):
    monkeypatch.delenv("EXAMGEN_LANG", raising=False)
    zh = runner.invoke(main, ["--help"])
    assert zh.exit_code == 0
    assert "用法：" in zh.output and "选项" in zh.output
    en = runner.invoke(main, ["--lang", "en", "--help"])
    assert "Usage:" in en.output and "用法" not in en.output
    env = runner.invoke(main, ["--help"], env={"EXAMGEN_LANG": "en"})
    assert "Usage:" in env.output
    after = runner.invoke(main, ["build", "--help", "--lang", "en"])
    assert "Usage:" in after.output


def _commands(group, prefix=()):
    import click

    for name in sorted(group.commands):
        command = group.commands[name]
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def _without_command_names(line: str) -> str:
    names = {name for words in _commands(main) for name in words}
    if line.startswith("用法："):
        return " ".join(word for word in line.split() if word not in names)
    first = line.split(maxsplit=1)[0] if line.strip() else ""
    return line.replace(first, " ", 1) if line.startswith("  ") and first in names else line


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_command_help_speaks_one_language(runner, language):
    for words in [(), *_commands(main)]:
        result = runner.invoke(main, [*words, "--help"], env={"EXAMGEN_LANG": language}, prog_name="examgen")
        assert result.exit_code == 0, result.output
        for line in result.output.splitlines():
            # Metavars (PATH, INTEGER) and option names are the command's syntax; so are
            # the command names in the usage line and in the list of commands.
            if language == "zh":
                assert not english_words(_without_command_names(line)), (words, line)
            else:
                assert not chinese_words(line), (words, line)


def test_errors_and_usage_errors_are_chinese_by_default(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("EXAMGEN_LANG", raising=False)
    result = runner.invoke(main, ["build", "--workspace", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误："), result.stderr
    assert not english_words(result.stderr)
    usage = runner.invoke(main, ["build", "--seed", "x"])
    assert usage.exit_code == 2
    assert "错误：" in usage.stderr and "用法：" in usage.stderr


def test_click_messages_that_count_are_chinese_too(runner, monkeypatch):
    # click words these through ngettext: the catalogue holds them as plural entries.
    monkeypatch.delenv("EXAMGEN_LANG", raising=False)
    missing = runner.invoke(main, ["--lang"])
    assert "选项 '--lang' 需要 1 个值。" in missing.stderr
    choice = runner.invoke(main, ["build", "--lang", "xx"])
    assert "不是" in choice.stderr and "之一" in choice.stderr
    typo = runner.invoke(main, ["buil"])
    assert "您是否要输入以下之一：'build'？" in typo.stderr

"""The language examgen speaks to its users: Chinese by default, English on request.

Messages are written in English in the code, wrapped in :func:`_` (or :func:`ngettext`
when a count decides the wording), and translated through a standard gettext catalogue,
``examgen/locale/zh_CN/LC_MESSAGES/examgen.po``, compiled to ``examgen.mo`` next to it.
Placeholders are named (``{path}``, ``{count}``) and filled with ``str.format`` *after*
translation, so a translator can move them.

The language is, in order: the one set by :func:`set_language` (the CLI's ``--lang``),
the ``EXAMGEN_LANG`` environment variable, else Chinese. ``tests/catalogue.py`` extracts
the messages with Babel, updates the catalogue and compiles it.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

#: Languages examgen speaks, by code.
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "examgen"
#: The catalogue of each language other than English (the language of the code).
CATALOGUE_LOCALE = {"zh": "zh_CN"}

_chosen: str | None = None
_catalogues: dict[str, gettext.NullTranslations] = {}


def normalise_language(value: str | None) -> str | None:
    """Return ``zh`` or ``en`` for a language name such as ``zh_CN``, ``zh-Hans`` or ``EN``; None if unknown."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_").split(".")[0]
    if code in ("zh", "cn", "chinese", "中文") or code.startswith("zh_"):
        return "zh"
    if code in ("en", "english") or code.startswith("en_"):
        return "en"
    return None


def set_language(language: str | None) -> None:
    """Speak ``language`` (``zh`` or ``en``) from now on; None goes back to ``EXAMGEN_LANG`` or Chinese."""
    global _chosen
    _chosen = normalise_language(language) if language else None


def current_language() -> str:
    """Return the language messages are written in now: ``zh`` or ``en``."""
    if _chosen:
        return _chosen
    return normalise_language(os.environ.get("EXAMGEN_LANG")) or DEFAULT_LANGUAGE


def catalogue(language: str) -> gettext.NullTranslations:
    """Return the compiled catalogue of ``language`` (English has none: messages are English)."""
    found = _catalogues.get(language)
    if found is None:
        locale = CATALOGUE_LOCALE.get(language)
        found = (
            gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=True)
            if locale
            else gettext.NullTranslations()
        )
        _catalogues[language] = found
    return found


def _(message: str) -> str:
    """Return ``message`` in the current language."""
    if not message:
        return message
    return catalogue(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Return the singular or plural form of a message for ``count``, in the current language."""
    return catalogue(current_language()).ngettext(singular, plural, count)


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message whose wording depends on a count (shown through :func:`ngettext`) for the catalogue."""
    return singular, plural


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (it is translated when shown)."""
    return message


def is_chinese() -> bool:
    """Return True when messages are in Chinese (punctuation follows: ``：``, ``（）``)."""
    return current_language() == "zh"


def colon() -> str:
    """Return the colon that follows a label in the current language."""
    return "：" if is_chinese() else ": "


def parenthesised(text: str) -> str:
    """Return ``text`` in the parentheses of the current language."""
    return f"（{text}）" if is_chinese() else f" ({text})"


def code_name(name: object) -> str:
    """Return a name to type as it is (a YAML key, a key path): in code marks amid Chinese, bare in English."""
    return f"`{name}`" if is_chinese() else str(name)


def listing(items, *, code: bool = False) -> str:
    """Return ``items`` as a list in a sentence: ``a、b、c`` in Chinese, ``a, b, c`` in English.

    With ``code``, each item is a name to type as it is (a YAML key or value): in code
    marks amid Chinese, where they set it off from the sentence; as it is in English.
    """
    shown = (code_name(item) if code else str(item) for item in items)
    return ("、" if is_chinese() else ", ").join(shown)


def translate_click() -> None:
    """Make click's own words (``Usage:``, ``Options``, its usage errors) speak the current language.

    click translates through :func:`gettext.gettext` bound at import in each of its
    modules; those names are pointed at this module's functions, whose catalogue holds
    the click messages a user can meet (:data:`CLICK_MESSAGES`).
    """
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext


#: click's own messages that examgen's users can meet, so that the catalogue holds them.
CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_plural("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    N_plural("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Option {name!r} does not take a value."),
    N_plural("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    N_("Argument {name!r} takes {nargs} values."),
    N_plural("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("Could not open file {filename!r}: {message}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("Do you want to continue?"),
)


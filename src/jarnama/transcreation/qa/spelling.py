"""Kazakh spelling with Debian's `hunspell-kk` dictionary, via spylls or the hunspell program."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Protocol

# Debian's hunspell-kk installs kk_KZ.aff and kk_KZ.dic here.
DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))
KAZAKH_DICTIONARY = "kk_KZ"


class Speller(Protocol):
    """Anything that can tell which words of a language it does not know."""

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words of `words` that are not spelled correctly."""
        ...


class SpyllsSpeller:
    """A Hunspell dictionary read by spylls (a pure-Python port of Hunspell, MPL-2.0)."""

    def __init__(self, path_prefix: Path) -> None:
        self.path_prefix = path_prefix
        self._dictionary = _load_spylls(path_prefix)
        self._cache: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        """True when the dictionary accepts the word (cached: ad texts repeat words)."""
        verdict = self._cache.get(word)
        if verdict is None:
            verdict = bool(self._dictionary.lookup(word))
            self._cache[word] = verdict
        return verdict

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words the dictionary rejects."""
        return {word for word in words if not self.known(word)}


def _load_spylls(prefix: Path) -> Any:
    """Read a Hunspell .aff/.dic pair with spylls, closing the files it opens.

    `Dictionary.from_files` leaves its file handles to the garbage collector (a
    ResourceWarning, an error under this suite's `filterwarnings = error`).
    """
    from spylls.hunspell import Dictionary, readers  # type: ignore[import-untyped]
    from spylls.hunspell.readers.file_reader import FileReader  # type: ignore[import-untyped]

    class ClosingFileReader(FileReader):  # type: ignore[misc]
        def __init__(self, path: str, encoding: str = "Windows-1252") -> None:
            self.handles: list[IO[str]] = []
            super().__init__(path, encoding)

        def _open(self, path: str, encoding: str) -> IO[str]:
            # As spylls does: some dictionaries hold flag bytes that are not valid UTF-8.
            handle = open(path, encoding=encoding, errors="surrogateescape")
            self.handles.append(handle)
            return handle

        def close(self) -> None:
            for handle in self.handles:
                handle.close()

    aff_reader = ClosingFileReader(str(prefix.with_suffix(".aff")))
    try:
        aff, context = readers.read_aff(aff_reader)
    finally:
        aff_reader.close()
    dic_reader = ClosingFileReader(str(prefix.with_suffix(".dic")), encoding=context.encoding)
    try:
        dic = readers.read_dic(dic_reader, aff=aff, context=context)
    finally:
        dic_reader.close()
    return Dictionary(aff, dic)


class HunspellProgram:
    """The `hunspell` program run as an external tool (`hunspell -d kk_KZ -l`)."""

    def __init__(
        self,
        dictionary: str = KAZAKH_DICTIONARY,
        executable: str = "hunspell",
        personal: Path | None = None,
    ) -> None:
        found = shutil.which(executable)
        if found is None:
            raise FileNotFoundError(f"{executable} is not installed")
        self.executable = found
        self.dictionary = dictionary
        self.personal = personal  # a word list file read with `-p` (see qa/wordlist.py)

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words `hunspell -l` lists as misspelled."""
        unique = sorted(set(words))
        if not unique:
            return set()
        extra = ["-p", str(self.personal)] if self.personal is not None else []
        result = subprocess.run(
            [self.executable, "-d", self.dictionary, *extra, "-l", "-i", "utf-8"],
            input="\n".join(unique) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=30,
            check=True,
        )
        return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def find_dictionary(name: str = KAZAKH_DICTIONARY) -> Path | None:
    """The path prefix (without .aff/.dic) of an installed Hunspell dictionary, if any."""
    for directory in DICTIONARY_DIRS:
        prefix = directory / name
        if prefix.with_suffix(".aff").is_file() and prefix.with_suffix(".dic").is_file():
            return prefix
    return None


@lru_cache(maxsize=4)
def _spylls_for(prefix: Path) -> SpyllsSpeller:
    return SpyllsSpeller(prefix)


def kazakh_speller() -> SpyllsSpeller | None:
    """The Kazakh speller from `hunspell-kk`, loaded once (~1 s), or None when not installed."""
    prefix = find_dictionary()
    return None if prefix is None else _spylls_for(prefix)

"""Finding input files and turning their bytes into text: folders, gzip, encodings, mojibake.

Fatal problems (missing path, unreadable folder, empty, binary or undecodable file) raise
:class:`CorpusError` naming the path and what to do.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
from collections.abc import Iterable
from pathlib import Path

from topics.errors import CorpusError

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_KNOWN = "add .txt/.md/.csv/.tsv/.json/.jsonl[.gz]/.parquet files, or pass --format"


def find_files(paths: Iterable[str | Path], format: str | None = None) -> list[Path]:
    """Expand files and folders into a list of input files (each folder's files sorted).

    Folders are searched recursively for files with a known extension (hidden files and folders
    skipped). Symbolic links to folders are followed (each real folder is read once, so a link
    loop ends); a folder that cannot be listed, or a link that points nowhere, is an error rather
    than a silent gap in the corpus.

    Raises
    ------
    CorpusError
        If a path does not exist, a folder cannot be read, or a folder holds no readable file.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            what = "a broken symbolic link" if path.is_symlink() else "no such file or folder"
            raise CorpusError(f"{path}: {what}", "check the path")
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(_walk(path, format))
        if not found:
            raise CorpusError(f"{path}: the folder holds no file of a known format", _KNOWN)
        files.extend(found)
    return files


def _walk(root: Path, format: str | None) -> list[Path]:
    found: list[Path] = []
    seen: set[str] = set()

    def fail(exc: OSError) -> None:
        raise CorpusError(
            f"{exc.filename}: cannot read the folder ({exc.strerror})",
            "fix its permissions, or pass only the files and folders that can be read",
        ) from exc

    for folder, dirs, names in os.walk(root, onerror=fail, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a link back to a folder already read: do not loop or double-count
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            file = Path(folder) / name
            if name.startswith(".") or (format is None and format_of(file) is None):
                continue
            if not file.exists():
                raise CorpusError(
                    f"{file}: a broken symbolic link", "remove the link or restore its target"
                )
            if file.is_file():
                found.append(file)
    return found


def format_of(path: Path) -> str | None:
    """The format named by a file's extension (``.gz`` looked through), or ``None``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return EXTENSIONS.get(suffixes[-1]) if suffixes else None


def read_bytes(path: Path) -> bytes:
    """A file's bytes, gunzipped when compressed; an empty file is an error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "it is a folder" if path.is_dir() else exc.strerror
        raise CorpusError(f"{path}: cannot read ({reason})", "check the permissions") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise CorpusError(f"{path}: damaged gzip file ({exc})", "re-create the file") from exc
    if not data.strip():
        raise CorpusError(f"{path}: the file is empty", "remove it or pass a file with releases")
    return data


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """Decode file bytes: the given encoding (strict), else UTF-8 (BOM or not), else detected.

    Raises
    ------
    CorpusError
        For a binary file (UTF-16 without a byte-order mark is named as such, with the
        ``--encoding`` to pass), an unknown encoding name, or bytes invalid in the encoding.
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    codec = None
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as exc:
            raise CorpusError(
                f"unknown encoding {encoding!r}", "use e.g. utf-8, utf-16-le, cp949 or euc-kr"
            ) from exc
    if not utf16 and not (codec or "").startswith(("utf-16", "utf-32")) and b"\x00" in data[:8192]:
        guess = _utf16_without_bom(data)
        if guess is not None:
            raise CorpusError(
                f"{path}: looks like {guess.upper()} text without a byte-order mark",
                f"pass --encoding {guess}",
            )
        raise CorpusError(
            f"{path}: looks like a binary file, not text",
            "pass text files (.txt, .csv, .jsonl, ...) or a Parquet file; for UTF-16 or UTF-32 "
            "text pass its --encoding",
        )
    if codec is not None:
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CorpusError(
                f"{path}: line {line}, byte {exc.start}: not valid {encoding} ({exc.reason})",
                "pass the file's real encoding with --encoding (e.g. cp949), or omit it to detect",
            ) from exc
    if utf16:
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{path}: byte {exc.start}: not valid UTF-16 ({exc.reason})",
                "check the file, or pass its real --encoding",
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp949", "euc_kr", "utf_8", "cp1252", "latin_1"]).best()
    if best is None:
        raise CorpusError(
            f"{path}: cannot detect the text encoding",
            "pass it with --encoding (e.g. cp949, euc-kr, utf-8)",
        )
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the bytes read cleanly as mostly-printable UTF-16."""
    sample = data[:8192]
    sample = sample[: len(sample) - len(sample) % 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 4:  # UTF-16 of mostly Latin/ASCII text: half the bytes
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return codec if printable >= 0.95 * len(text) else None


# --- mojibake ---------------------------------------------------------------------------------

#: Characters every UTF-8-read-as-cp1252/latin-1 sequence contains (lead bytes, C1 controls):
#: text without any of them cannot hold such mojibake, and skips the (slower) repair.
_SUSPECT = re.compile("[\x80-\x9f\xc2-\xf4]")


def repair_text(text: str) -> str:
    """Undo mojibake from an earlier wrong decoding (``canâ€™t`` → ``can’t``) with ftfy.

    Only ftfy's encoding fixes are used: curly quotes, full-width letters, ligatures, line
    breaks and Unicode normalisation are left as they are (cleaning handles the last two).
    """
    if not _SUSPECT.search(text):
        return text
    import ftfy

    return ftfy.fix_text(text, _ftfy_config())


def _ftfy_config():
    import ftfy

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )

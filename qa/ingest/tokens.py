"""tiktoken's cl100k_base, loaded offline from the file `make setup` provisions."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import zipfile
from functools import cache
from pathlib import Path
from typing import Protocol

from qa.errors import ModelUnavailable

ENCODING = "cl100k_base"
# tiktoken names its cache file after the sha1 of the download URL and checks the sha256.
CACHE_KEY = "9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_WHEEL_MEMBER = f"llama_index/core/_static/tiktoken_cache/{CACHE_KEY}"


class TokenCounter(Protocol):
    def __call__(self, text: str) -> int: ...


def cache_dir() -> Path:
    """Where the encoding file lives: $TIKTOKEN_CACHE_DIR, else inside the environment."""
    env = os.environ.get("TIKTOKEN_CACHE_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "qa" / "tiktoken"


@cache
def _encoding() -> object:
    folder = cache_dir()
    path = folder / CACHE_KEY
    if not path.exists():
        raise ModelUnavailable(
            f"tiktoken's {ENCODING} file is missing ({path}); run `make setup` to provision it"
        )
    import tiktoken

    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    # tiktoken only reads its cache location from the environment.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    try:
        return tiktoken.get_encoding(ENCODING)
    except Exception as err:  # tiktoken raises plain ValueError/requests errors
        raise ModelUnavailable(
            f"tiktoken could not load {ENCODING} from {path} ({err}); run `make setup`"
        ) from None
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in `text`."""
    return len(_encoding().encode(text, disallowed_special=()))  # type: ignore[attr-defined]


def provision_from_wheel(wheel: Path, folder: Path | None = None) -> Path:
    """Copy the encoding file out of a downloaded llama-index-core wheel, checking its sha256."""
    folder = folder or cache_dir()
    target = folder / CACHE_KEY
    if target.exists() and _sha256(target) == SHA256:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as zf, zf.open(_WHEEL_MEMBER) as src:
        tmp = target.with_suffix(".tmp")
        with tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    if _sha256(tmp) != SHA256:
        tmp.unlink()
        raise ModelUnavailable(f"{wheel} holds a {ENCODING} file with the wrong checksum")
    tmp.replace(target)
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """`python -m qa.ingest.tokens WHEEL`: provision the encoding file (used by `make setup`)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m qa.ingest.tokens LLAMA_INDEX_CORE_WHEEL", file=sys.stderr)
        return 2
    print(f"tiktoken {ENCODING}: {provision_from_wheel(Path(args[0]))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build size bench: what each function's deployment package and the shared layer weigh, from the `sam build`
output of the architecture that ships (arm64), unzipped and zipped (deflate, as `sam deploy` uploads them),
beside Lambda's limits (250 MB unzipped for a function with its layers, 50 MB zipped per direct upload).

Run: .venv/bin/python bench/build_size.py [--build-dir .aws-sam/build-arm64]
"""

from __future__ import annotations

import argparse
import io
import zipfile
from pathlib import Path

from pipewatch_local.artifact import FUNCTIONS, LAYER

UNZIPPED_LIMIT = 250 * 1024 * 1024


def sizes(path: Path) -> tuple[int, int, int]:
    """(files, bytes unzipped, bytes zipped) of a directory."""
    files = [p for p in sorted(path.rglob("*")) if p.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.relative_to(path).as_posix())
    return len(files), sum(f.stat().st_size for f in files), len(buffer.getvalue())


def mb(value: int) -> str:
    return f"{value / 1024 / 1024:7.2f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    default = Path(__file__).resolve().parents[1] / ".aws-sam" / "build-arm64"
    parser.add_argument("--build-dir", type=Path, default=default)
    args = parser.parse_args()
    build: Path = args.build_dir
    if not (build / "template.yaml").is_file():
        raise SystemExit(f"{build}: no sam build output (run `make build`)")
    layer = sizes(build / LAYER)
    print(f"build sizes from {build}")
    print(f"  {'package':22s} {'files':>6s} {'unzipped':>11s} {'zipped':>11s}")
    print(f"  {LAYER:22s} {layer[0]:6d} {mb(layer[1])} {mb(layer[2])}   (shared by every function)")
    for function in FUNCTIONS:
        files, raw, packed = sizes(build / function)
        total = raw + layer[1]
        print(
            f"  {function:22s} {files:6d} {mb(raw)} {mb(packed)}   with layer {mb(total)} = "
            f"{total / UNZIPPED_LIMIT:.1%} of the 250 MB limit"
        )
    print("  largest layer packages (unzipped):")
    tops = [(sizes(p)[1], p.name) for p in (build / LAYER / "python").iterdir() if p.is_dir()]
    for raw, name in sorted(tops, reverse=True)[:6]:
        print(f"    {name:28s} {mb(raw)}")


if __name__ == "__main__":
    main()

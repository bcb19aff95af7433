#!/usr/bin/env python3
"""Runs clang-tidy (checks in .clang-tidy) over the project's own sources, as CI does.

usage: run_clang_tidy.py SOURCE_DIR BUILD_DIR [JOBS]

BUILD_DIR is a configured and built dev tree (its compile_commands.json and generated headers).
Exit status: 0 when clang-tidy reports nothing, 1 otherwise.

Two things differ from running clang-tidy once per file, both for time, not for what is checked:

- One translation unit per folder and set of flags. Each of our files pulls in tens of thousands
  of declarations from Qt, libpqxx and the standard library, and clang-tidy runs every matcher
  over all of them: about 20 s a file, 45 minutes of CPU for the tree. A folder's files compiled
  together share that cost once. .clang-tidy's HeaderFilterRegex covers core/, ui/ and app/, so
  diagnostics in the included files are reported with their own file and line. A folder whose
  files do not compile together (two files defining the same internal name) is checked file by
  file instead, and the script says so.
- The console's files are compiled with a GCC precompiled header (cmake_pch.hxx with a .gch
  beside it). clang refuses a GCC .gch, so each unit includes a copy of that header with no .gch
  beside it and clang parses the headers itself.
"""
import collections
import concurrent.futures
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

OWN_SOURCES = re.compile(r"^(core|ui|app)/.*\.cpp$")


def flags_without_file(entry):
    words = shlex.split(entry["command"])
    kept, skip = [], False
    for word in words:
        if skip:
            skip = False
            continue
        if word in ("-o", "-c"):
            skip = True
            continue
        kept.append(word)
    if kept and os.path.basename(kept[0]) == "ccache":
        kept = kept[1:]
    return [w for w in kept if w not in ("-Winvalid-pch", "-Werror")]


def unpch(flags, out_dir, copies):
    result = list(flags)
    for i, word in enumerate(result):
        if word.endswith("/cmake_pch.hxx") and i > 0 and result[i - 1] == "-include":
            if word not in copies:
                copy = out_dir / f"pch_{len(copies)}.hxx"
                shutil.copyfile(word, copy)
                copies[word] = str(copy)
            result[i] = copies[word]
    return result


def run_tidy(source_dir, out_dir, unit):
    name, directory, flags, files = unit
    extra = []
    if len(files) == 1:
        main = pathlib.Path(files[0])
    else:
        main = out_dir / f"{name}.cpp"
        main.write_text("".join(f'#include "{f}"\n' for f in files))
        # The unit's own file includes .cpp files by design; every other check stays on.
        extra = ["--checks=-bugprone-suspicious-include"]
    database = out_dir / name
    database.mkdir(exist_ok=True)
    command = " ".join(shlex.quote(w) for w in flags + ["-c", str(main)])
    (database / "compile_commands.json").write_text(
        json.dumps([{"directory": directory, "command": command, "file": str(main)}]))
    done = subprocess.run(["clang-tidy", "--quiet", *extra, "-p", str(database), str(main)],
                          cwd=source_dir, capture_output=True, text=True)
    return name, files, done.returncode, done.stdout + done.stderr


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    source_dir = pathlib.Path(sys.argv[1]).resolve()
    build_dir = pathlib.Path(sys.argv[2]).resolve()
    jobs = int(sys.argv[3]) if len(sys.argv) == 4 else os.cpu_count()
    out_dir = build_dir.parent / "tidy"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)

    groups = collections.defaultdict(list)
    copies = {}
    for entry in json.loads((build_dir / "compile_commands.json").read_text()):
        path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
        relative = os.path.relpath(path, source_dir)
        if relative.startswith("..") or not OWN_SOURCES.search(relative):
            continue
        flags = unpch(flags_without_file(entry), out_dir, copies)
        key = (os.path.dirname(relative), entry["directory"], tuple(flags))
        groups[key].append(path)

    units = []
    for index, ((folder, directory, flags), files) in enumerate(sorted(groups.items())):
        name = f"{index:02d}_{folder.replace('/', '_')}"
        units.append((name, directory, list(flags), sorted(files)))
    print(f"clang-tidy: {sum(len(u[3]) for u in units)} files in {len(units)} units, "
          f"{jobs} at a time", flush=True)

    failed = False
    retry = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for name, files, code, output in pool.map(
                lambda u: run_tidy(source_dir, out_dir, u), units):
            # A unit that does not compile as one (two files define the same internal name) is
            # not a finding: its files are checked one by one below, where a real compile error
            # still fails the run.
            if code != 0 and len(files) > 1 and "[clang-diagnostic-error]" in output:
                print(f"clang-tidy: {name} does not compile as one unit; checking its "
                      f"{len(files)} files one by one", flush=True)
                retry.append(name)
                continue
            if output.strip() and ("warning:" in output or "error:" in output):
                print(output, flush=True)
            failed |= code != 0
        singles = []
        for name, directory, flags, files in units:
            if name in retry:
                singles += [(f"{name}_{i}", directory, flags, [f]) for i, f in enumerate(files)]
        for name, files, code, output in pool.map(
                lambda u: run_tidy(source_dir, out_dir, u), singles):
            if output.strip() and ("warning:" in output or "error:" in output):
                print(output, flush=True)
            failed |= code != 0
    print("clang-tidy: " + ("findings above" if failed else "clean"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

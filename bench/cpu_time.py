#!/usr/bin/env python3
"""Runs one command and reports the CPU time of that child process.

    cpu_time.py STDOUT_FILE STDERR_FILE -- COMMAND [ARG...]

The command's stdout and stderr go to the two files. On this script's own stdout it prints one
line, `user_s sys_s wall_s exit_code`, where user and system CPU seconds come from the child's
rusage (os.wait4), so they cover the whole process: start-up, loading, the run and the output.
"""
import os
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    out_path, err_path, cmd = argv[1], argv[2], argv[4:]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        except OSError as e:
            print(f"cpu_time.py: cannot start {cmd[0]}: {e}", file=sys.stderr)
            return 127
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    print(f"{usage.ru_utime:.4f} {usage.ru_stime:.4f} {wall:.4f} {proc.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

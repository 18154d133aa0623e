"""Runs every conformance check against the emulator described on stdin; prints one JSON report."""

import json
import sys

import harness
import identity
import refusals
import s3_checks
import services


def main():
    ctx = harness.Context(json.load(sys.stdin))
    # Order matters: the S3 checks use the credentials GetDataAccess vended in the service checks.
    for fn in [*identity.CHECKS, *services.CHECKS, *s3_checks.CHECKS, *refusals.CHECKS]:
        fn(ctx)
    json.dump({'checks': harness.RESULTS}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()

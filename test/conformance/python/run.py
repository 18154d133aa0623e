"""Runs every conformance check against the emulator described on stdin; prints one JSON report."""

import json
import sys

import control_checks
import curl_checks
import harness
import identity
import refusals
import s3_checks
import services


def main():
    ctx = harness.Context(json.load(sys.stdin))
    # Order matters: the S3 checks use the credentials GetDataAccess vended in the service checks.
    # The control checks move the clock and inject faults; they run last and restore both.
    for fn in [*identity.CHECKS, *services.CHECKS, *s3_checks.CHECKS, *refusals.CHECKS, *curl_checks.CHECKS,
               *control_checks.CHECKS]:
        fn(ctx)
    json.dump({'checks': harness.RESULTS}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()

"""Runs a command with TRIBUTARY_TEST_S3_* pointing at a fresh bucket on the fixture's
radosgw, then deletes the bucket:  with_s3_bucket.py PROGRAM [ARGS...]"""
import os
import subprocess
import sys

import harness

with harness.S3Bucket() as bucket:
    rgw = harness.radosgw_env()
    env = dict(os.environ,
               TRIBUTARY_TEST_S3_ENDPOINT=rgw["S3_ENDPOINT"],
               TRIBUTARY_TEST_S3_ACCESS_KEY=rgw["S3_ACCESS_KEY"],
               TRIBUTARY_TEST_S3_SECRET_KEY=rgw["S3_SECRET_KEY"],
               TRIBUTARY_TEST_S3_BUCKET=bucket.name)
    code = subprocess.call(sys.argv[1:], env=env)
sys.exit(code)

"""Where uploads and renditions are stored: the local disk, or an S3-compatible bucket.

``DASTAN_S3_BUCKET`` switches ``STORAGES["default"]`` to django-storages' S3 backend (the
``s3`` extra: ``pip install 'dastan[s3]'``); docs/deployment.md has the setup.
"""

from __future__ import annotations

from typing import Any

from dastan.settings import env

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage() -> dict[str, Any] | None:
    """Return the ``STORAGES["default"]`` entry for the bucket in the environment, or None."""
    bucket = env.env_str("S3_BUCKET")
    if not bucket:
        return None
    public = env.env_bool("S3_PUBLIC", False)
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Empty: Amazon S3 itself; MinIO, Ceph, R2 and the like give their own address.
        "endpoint_url": env.env_str("S3_ENDPOINT_URL") or None,
        "region_name": env.env_str("S3_REGION") or None,
        # Empty: boto3 finds credentials itself (AWS_* variables, an instance role).
        "access_key": env.env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env.env_str("S3_SECRET_ACCESS_KEY") or None,
        "location": env.env_str("S3_PREFIX"),
        "custom_domain": env.env_str("S3_CUSTOM_DOMAIN") or None,
        # A private bucket is read through addresses signed for S3_URL_EXPIRE seconds.
        "querystring_auth": not public,
        "querystring_expire": env.env_int("S3_URL_EXPIRE", 3600),
        # No per-object ACL: the bucket's policy decides who reads (S3's own advice).
        "default_acl": None,
        # Names are generated (uploads) or made of content (renditions): a save never needs
        # to look for a free name first, which would cost a request.
        "file_overwrite": True,
        "addressing_style": env.env_str("S3_ADDRESSING_STYLE") or None,
    }
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}

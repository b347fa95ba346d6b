"""Each function's configuration, read from the environment once per container."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str = Field(min_length=1)
    public_bucket: str = Field(min_length=1)
    public_base_url: str = ""
    assets_base_url: str = ""
    admin_api_key_hash: str = ""
    aws_region: str = "us-east-1"
    max_body_bytes: int = 2 * 1024 * 1024
    ed25519_key_service: str = "kms"  # or "secretsmanager" where KMS has no Ed25519 (moto)
    kms_sign_digest: bool = True  # moto re-hashes DIGEST messages, so locally we sign RAW
    verify_extra_ca_file: str = ""  # the local platform's CA, so it can fetch its own https URLs

    def assets_base(self) -> str:
        if self.assets_base_url:
            return self.assets_base_url.rstrip("/")
        return f"https://{self.public_bucket}.s3.{self.aws_region}.amazonaws.com"


@cache
def settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", ""),
        public_bucket=env.get("PUBLIC_BUCKET", ""),
        public_base_url=env.get("PUBLIC_BASE_URL", "").rstrip("/"),
        assets_base_url=env.get("ASSETS_BASE_URL", ""),
        admin_api_key_hash=env.get("ADMIN_API_KEY_HASH", ""),
        aws_region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "us-east-1")),
        max_body_bytes=int(env.get("MAX_BODY_BYTES", str(2 * 1024 * 1024))),
        ed25519_key_service=env.get("ED25519_KEY_SERVICE", "kms"),
        kms_sign_digest=env.get("KMS_SIGN_DIGEST", "true").lower() == "true",
        verify_extra_ca_file=env.get("VERIFY_EXTRA_CA_FILE", ""),
    )

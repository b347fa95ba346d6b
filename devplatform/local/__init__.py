"""Local adapters behind the platform's ports: durable, multi-process, memory-bounded storage.

`install(data_dir)` makes the handlers of this process use them. A data directory holds:

    <data_dir>/
      .badgehub-data     marker: this directory is ours (`reset` refuses any other)
      badgehub.sqlite3   the table (plus -wal and -shm beside it while in use)
      blobs/             public images, one file per key, content types in `.<name>.type`
      private/           Diploma Supplements (PDF), served only at signed, expiring links
      keys/              issuer private keys, one PKCS#8 PEM per key, 0600 in a 0700 directory
      app-secret         the platform secret (cursor MACs, CSRF, index keys), 0600
      mailbox.sqlite3    the e-mail the platform "sent" (shown at /_local/mail)

Each adapter is held to the same contract suite as its AWS counterpart (tests/contract).
"""

from __future__ import annotations

from .ports import blob_store, claim, install, local_ports, mailbox, private_store, reset

__all__ = [
    "blob_store",
    "claim",
    "install",
    "local_ports",
    "mailbox",
    "private_store",
    "reset",
]

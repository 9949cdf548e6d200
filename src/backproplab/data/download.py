"""Downloading a file safely: checksum verified, never a partial or wrong file left behind.

The file is streamed into a temporary file beside its destination while its
SHA-256 is computed; only a complete file with the expected checksum is
renamed into place. Anything else is deleted and reported.
"""

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request

from ..errors import BackproplabError
from ..progress import ProgressBar


class DownloadError(BackproplabError):
    """A download failed: unreachable, interrupted, or not the expected file."""


def sha256_of(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url, dest, sha256, *, timeout=30, stream=None):
    """Fetch ``url`` into ``dest`` if and only if its SHA-256 equals ``sha256``.

    Shows a progress bar on ``stream`` (default stderr). Raises DownloadError
    with a one-line reason; ``dest`` is then left as it was.
    """
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=folder)
    try:
        digest, done = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0)
            bar = ProgressBar(total, f"downloading {os.path.basename(dest)}", unit="B", stream=stream)
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                out.write(block)
                digest.update(block)
                done += len(block)
                bar.update(len(block))
            bar.close()
        if total and done != total:
            raise DownloadError(f"download of {url} was interrupted after {done:,} of {total:,} bytes")
        if digest.hexdigest() != sha256:
            raise DownloadError(
                f"{url} is not the expected file (SHA-256 {digest.hexdigest()[:16]}..., expected "
                f"{sha256[:16]}...); it was deleted"
            )
        os.replace(tmp, dest)
    except http.client.IncompleteRead as e:
        raise DownloadError(f"download of {url} was interrupted after {done + len(e.partial):,} bytes") from None
    except urllib.error.HTTPError as e:
        e.close()
        raise DownloadError(f"{url} answered HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise DownloadError(f"cannot reach {url}: {e.reason}") from None
    except (OSError, http.client.HTTPException) as e:
        raise DownloadError(f"download of {url} failed: {e or type(e).__name__}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return dest

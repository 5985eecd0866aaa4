"""Debian's Fashion-MNIST IDX files (gzip) as numpy arrays, read as our IdxSliceCursor reads them."""
import gzip
import os
import struct

import numpy as np


def read_idx(path):
    """An IDX file (gzip): magic (0, 0, dtype 0x08 = ubyte, ndim), ndim big-endian int32 sizes, the data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data, header says {dims}")
    return data.reshape(dims)


def load(directory, split):
    """Images of a split as float32 rows (pixel / 255, as our loader does) and labels as int32."""
    images = read_idx(os.path.join(directory, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{split}-labels-idx1-ubyte.gz"))
    x = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255)
    return x, labels.astype(np.int32)

#!/usr/bin/env python3
"""JPEG decode timing, OpenCV side: writes the JPEGs the jpeg_decode bench
reads (Kodak photos through cv2.imencode: 4:2:0 q90, 4:4:4 q90, progressive
q90, gray q90) to target/jpeg-bench/, and times cv2.imdecode (IMREAD_COLOR,
or IMREAD_GRAYSCALE for the gray file) on each: median of 50 runs.
Run from the repository root: python3 benches/opencv_jpeg.py
"""
import os
import statistics
import time

import cv2
import numpy as np

OUT = "target/jpeg-bench"
os.makedirs(OUT, exist_ok=True)
cv2.setNumThreads(1)
photo = cv2.imread("tests/data/photos/kodim23.png")
Q, S = cv2.IMWRITE_JPEG_QUALITY, cv2.IMWRITE_JPEG_SAMPLING_FACTOR
files = {
    "kodim23_420_q90.jpg": (photo, [Q, 90]),
    "kodim23_444_q90.jpg": (photo, [Q, 90, S, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444]),
    "kodim23_progressive_q90.jpg": (photo, [Q, 90, cv2.IMWRITE_JPEG_PROGRESSIVE, 1]),
    "kodim23_gray_q90.jpg": (cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY), [Q, 90]),
}
for name, (img, params) in files.items():
    ok, buf = cv2.imencode(".jpg", img, params)
    data = buf.tobytes()
    open(f"{OUT}/{name}", "wb").write(data)
    arr = np.frombuffer(data, np.uint8)
    flag = cv2.IMREAD_GRAYSCALE if "gray" in name else cv2.IMREAD_COLOR
    times = []
    for _ in range(50):
        t = time.perf_counter()
        cv2.imdecode(arr, flag)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    px = img.shape[0] * img.shape[1]
    print(f"{name:28} {len(data):7} bytes  cv2.imdecode {med * 1e3:6.2f} ms  {px / med / 1e6:6.1f} MP/s")

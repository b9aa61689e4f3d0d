"""The leniency set against OpenCV: every file in tests/data/leniency is
accepted or rejected by cv2.imdecode as expected.tsv's `opencv` column says,
and an accepted file gives the pixels of the undamaged one. (pixb64's answers
are checked against the same table by tests/png_leniency.rs.)"""
import os
import sys

import cv2
import numpy as np

here = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'data', 'leniency')
cv2.setLogLevel(0) if hasattr(cv2, 'setLogLevel') else None


def read(name):
    data = np.fromfile(os.path.join(here, name + '.png'), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)


bad = 0
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(here, 'expected.tsv')) if not l.startswith('#')]
for name, opencv, pixb64, strict, *note in rows:
    img = read(name)
    got = 'reject' if img is None else 'ok'
    if got != opencv:
        print(f'{name}: OpenCV {cv2.__version__} says {got}, expected.tsv says {opencv}')
        bad += 1
    elif img is not None:
        clean = read('palette_ok' if name.startswith('palette') else 'ok')
        if not np.array_equal(img, clean):
            print(f'{name}: accepted with other pixels than the undamaged file')
            bad += 1
agree = sum(1 for r in rows if r[1] == r[2])
print(f'leniency set: {len(rows)} files, OpenCV {cv2.__version__} as expected on {len(rows) - bad}; '
      f'pixb64 agrees with OpenCV on {agree}')
sys.exit(1 if bad else 0)

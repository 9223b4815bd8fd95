"""Keras's training speed on the reference models, for comparison with `npm run bench:train`.

    python3 infra/keras-reference.py [MODELS]      # e.g. 1,2,3,4,5,6,blocks (default 1)

Needs TensorFlow 2.x with Keras 3 in the Python it runs under, e.g. a venv with
`pip install tensorflow-cpu` (offline: from the same local wheel index that
`npm run native:install` finds). Like a sweep trial, it trains on one core: one
intra-op and one inter-op thread. Prints images/s at batch 128 with Adadelta, the
median of three timed epochs of 3,072 random images after a warm-up, and the same
epochs' images per second of the process's CPU time (what a busy machine disturbs
least). `blocks` is bench:train's block model: 2 blocks × [32, 32] → [64, 64], each
Conv2D followed by BatchNormalization and ReLU, max pool 2 per block, global average
pooling, Dense(10).
"""
import os
import sys
import time

os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

CONVS = {1: [(32, 3), (64, 3)], 2: [(64, 5)], 3: [(32, 3), (64, 3), (64, 3)]}


def reference_model(number):
    """Model1 of the study and its five variants, as examples/mnist-keras-study.yaml has them."""
    model = keras.Sequential([keras.Input((28, 28, 1))])
    for filters, kernel in CONVS.get(number, CONVS[1]):
        model.add(layers.Conv2D(filters, kernel, activation="relu"))
    if number != 4:
        model.add(layers.MaxPooling2D(4 if number == 5 else 2))
    model.add(layers.Dropout(0.25))
    model.add(layers.Flatten())
    if number != 6:
        model.add(layers.Dense(128, activation="relu"))
        model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def block_model():
    """bench:train's `blocks`: Conv2D → BatchNormalization → ReLU, twice per block, then max pool 2."""
    model = keras.Sequential([keras.Input((28, 28, 1))])
    for filters in (32, 64):
        for _ in range(2):
            model.add(layers.Conv2D(filters, 3))
            model.add(layers.BatchNormalization(momentum=0.99, epsilon=1e-3))
            model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D(2))
    model.add(layers.GlobalAveragePooling2D())
    model.add(layers.Dense(10, activation="softmax"))
    return model


images = np.random.rand(128 * 24, 28, 28, 1).astype("float32")
labels = keras.utils.to_categorical(np.random.randint(0, 10, len(images)), 10)
for name in (sys.argv[1] if len(sys.argv) > 1 else "1").split(","):
    model = block_model() if name == "blocks" else reference_model(int(name))
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adadelta(learning_rate=1.0, rho=0.95))
    model.fit(images[: 128 * 4], labels[: 128 * 4], batch_size=128, epochs=1, verbose=0)
    runs, cpu_runs = [], []
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        model.fit(images, labels, batch_size=128, epochs=1, verbose=0, shuffle=False)
        runs.append(len(images) / (time.perf_counter() - started))
        cpu_runs.append(len(images) / (time.process_time() - cpu_started))
    label = name if name == "blocks" else f"model{name}"
    print(
        f"keras {label}: {sorted(runs)[1]:.0f} images/s (runs {', '.join(f'{r:.0f}' for r in runs)}),"
        f" {sorted(cpu_runs)[1]:.0f} per CPU-second",
        flush=True,
    )

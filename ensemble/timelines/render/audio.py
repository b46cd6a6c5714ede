"""Sound: every `Sound` of the plan decoded, shaped and mixed into 48 kHz stereo blocks.

The mix is made a block (`BLOCK` samples) at a time, so memory stays the same however
long the timeline is: a sound's file is opened when the mix reaches its `at` and closed
when it ends, and only a decoded frame or so of each playing sound is held.

Steps for one sound (`_SoundReader`):
1. Open the file with the demuxer the sniffer named (`avfile.open_container`) and take
   its first audio track; seek to the packet at or before `start`, on the track's clock.
2. Decode and resample each frame to 48 kHz float (swresample). Mono stays one channel
   until mixed and then goes to both sides at full level, as a browser plays a mono
   file; more channels are folded to stereo by swresample's standard downmix (5.1:
   centre and surrounds at -3 dB).
3. Drop the samples before `start`, counted from the first decoded frame's timestamp
   (silence fills in if that frame begins a little after `start`).
4. Apply the gain (10^(dB/20)) and linear fades: in from `start`, out to `end`.
5. A file that ends more than `SLACK` before `end` is refused, naming the sound.

The mix sums every sound playing in a block and clips to [-1, 1].
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import ExitStack

import av
import numpy as np
from av.audio.frame import AudioFrame

from ensemble.records.media.avfile import audio_stream, open_container

from ..plan import Sound
from .encode import SAMPLE_RATE
from .errors import RenderError, reading, seconds

BLOCK = 1024  # samples per mixed block: one AAC frame, 21 ms
# As for video clips: a file may stop this far short of `end` (a container's rounded
# duration, an encoder's padding); the missing moment is silence.
SLACK = 0.1


class _SoundReader:
    """One sound's samples at 48 kHz, shaped (gain, fades), `read` in order."""

    def __init__(self, sound: Sound) -> None:
        self.sound = sound
        self.length = round(sound.seconds * SAMPLE_RATE)
        self.position = 0  # samples of this sound already read
        self.gain = 10 ** (sound.gain_db / 20)
        self._files = ExitStack()
        self._pending = np.zeros((1, 0), np.float32)
        with reading(sound.name):
            container = self._files.enter_context(open_container(sound.path, sound.fmt))
        stream = audio_stream(container)
        # A lenient demuxer (MP3, FLAC) "finds" a track in any bytes; without a rate and
        # channels it is not one.
        if stream is None or not (stream.sample_rate and stream.codec_context.channels):
            self._files.close()
            raise RenderError(f"{sound.name}: the file has no sound in it.")
        self._container = container
        self._stream = stream
        self._chunks = self._decoded()

    def read(self, count: int) -> np.ndarray:
        """The next `count` samples, shape (2, count), gain and fades applied."""
        block = np.zeros((2, count), np.float32)
        filled = 0
        while filled < count:
            if not self._pending.shape[1]:
                with reading(self.sound.name):
                    chunk = next(self._chunks, None)
                if chunk is None:
                    self._check_long_enough(self.position + filled)
                    break  # the rest of the block stays silent
                self._pending = chunk
            take = min(count - filled, self._pending.shape[1])
            block[:, filled : filled + take] = self._pending[:, :take]  # mono: both sides
            self._pending = self._pending[:, take:]
            filled += take
        self._shape(block)
        self.position += count
        return block

    def close(self) -> None:
        self._chunks.close()
        self._files.close()

    def _decoded(self) -> Generator[np.ndarray]:
        """Resampled chunks (channels, n) from exactly `start` on (steps 1 to 3)."""
        stream = self._stream
        origin, begin = self._sound_clock()
        if self.sound.start > 0 and stream.time_base:
            self._container.seek(int(begin / stream.time_base), stream=stream, backward=True)
        layout = "mono" if stream.codec_context.channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        skip: int | None = None  # samples still to drop before `start`
        for frame in self._frames():
            if skip is None:
                first = frame.time if frame is not None and frame.time is not None else origin
                skip = round((begin - first) * SAMPLE_RATE)
                if skip < 0:
                    yield np.zeros((1, -skip), np.float32)
                    skip = 0
            for resampled in resampler.resample(frame):
                chunk = resampled.to_ndarray()
                if skip:
                    dropped = min(skip, chunk.shape[1])
                    chunk, skip = chunk[:, dropped:], skip - dropped
                if chunk.shape[1]:
                    yield chunk

    def _frames(self) -> Iterator[AudioFrame | None]:
        """The decoded frames, then None (which flushes the resampler)."""
        yield from self._container.decode(self._stream)
        yield None

    def _sound_clock(self) -> tuple[float, float]:
        """Where the track's time starts, and where `start` is, in its own seconds."""
        stream = self._stream
        origin = (
            float(stream.start_time * stream.time_base)
            if stream.start_time is not None and stream.time_base
            else 0.0
        )
        return origin, origin + self.sound.start

    def _check_long_enough(self, delivered: int) -> None:
        if self.length - delivered > SLACK * SAMPLE_RATE:
            lasts = self.sound.start + delivered / SAMPLE_RATE
            raise RenderError(
                f"{self.sound.name}: the sound ends at {seconds(self.sound.end)}, "
                f"but the file lasts {seconds(lasts)}."
            )

    def _shape(self, block: np.ndarray) -> None:
        """Gain and linear fades, in place, for samples from `position` on."""
        count = block.shape[1]
        fade_in = self.sound.fade_in * SAMPLE_RATE
        fade_out = self.sound.fade_out * SAMPLE_RATE
        in_fade_in = fade_in > 0 and self.position < fade_in
        in_fade_out = fade_out > 0 and self.position + count > self.length - fade_out
        if not (in_fade_in or in_fade_out):
            if self.gain != 1:
                block *= self.gain
            return
        index = np.arange(self.position, self.position + count, dtype=np.float32)
        envelope = np.full(count, self.gain, np.float32)
        if in_fade_in:
            envelope *= np.clip(index / fade_in, 0, 1)
        if in_fade_out:
            envelope *= np.clip((self.length - index) / fade_out, 0, 1)
        block *= envelope


def mixed_blocks(tracks: Sequence[Sequence[Sound]], total: int) -> Generator[np.ndarray]:
    """`total` samples of the mix, in blocks of `BLOCK`: float32 arrays (2, n).

    Each sound's file is opened when its first sample falls in a block and closed after
    its last; on any failure (or when the caller stops early) the open ones are closed.
    """
    waiting = sorted(
        (sound for track in tracks for sound in track if sound.end > sound.start),
        key=lambda sound: sound.at,
    )
    playing: list[tuple[int, int, _SoundReader]] = []
    try:
        for block_start in range(0, total, BLOCK):
            block_end = min(total, block_start + BLOCK)
            while waiting and round(waiting[0].at * SAMPLE_RATE) < block_end:
                sound = waiting.pop(0)
                first = round(sound.at * SAMPLE_RATE)
                reader = _SoundReader(sound)
                if first < 0:  # placed before the timeline starts: that part is not heard
                    reader.read(-first)
                playing.append((first, first + reader.length, reader))
            mix = np.zeros((2, block_end - block_start), np.float32)
            for first, last, reader in playing:
                begins, ends = max(block_start, first), min(block_end, last)
                if ends > begins:
                    mix[:, begins - block_start : ends - block_start] += reader.read(ends - begins)
            for entry in [entry for entry in playing if entry[1] <= block_end]:
                entry[2].close()
                playing.remove(entry)
            np.clip(mix, -1.0, 1.0, out=mix)
            yield mix
    finally:
        for _, _, reader in playing:
            reader.close()

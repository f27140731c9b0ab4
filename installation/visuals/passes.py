"""What each pass of the lens, the light and the film costs, timed alone (``installation bench
--passes``): each on a real frame (magic-hour at dusk), as the compositor runs it, against a
full-frame blit timed in the same run, so the figures carry between machines as passes. Times are
processor time (a pass waiting its turn on a shared machine is not what it costs), medians of 40.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from installation.lazy import pygame

__all__ = ["format_passes", "time_passes"]

REPEATS = 40


def _median_ms(work: Callable[[], object], repeats: int = REPEATS) -> float:
    for _ in range(3):
        work()  # caches filled, sprites made
    times = []
    for _ in range(repeats):
        # processor time: on a shared machine, waiting for the processor is not the pass's cost
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000.0)
    return statistics.median(times)


def time_passes(size: tuple[int, int] = (1920, 1080)) -> list[dict]:
    """Each new pass's median time at ``size``, in ms and in full-frame blits."""
    from installation.paths import resolve_scene
    from installation.scene.loader import load_scene
    from installation.visuals.compositor import Compositor
    from installation.visuals.discs import Lights, draw_discs
    from installation.visuals.lens import blurred_sprite, radius_step
    from installation.visuals.raster import new_surface, soften

    scene = load_scene(resolve_scene("magic-hour"))
    compositor = Compositor(scene, size)
    frame_canvas = compositor.render(100.0)  # dusk: the city melting into its lights
    picture = new_surface(size)
    picture.blit(frame_canvas, (0, 0))
    canvas = new_surface(size)
    frame = compositor.frame(100.0)
    effects = {e.name: e for e in compositor.effects}
    skyline = next(la for la in compositor.layers if la.name == "skyline")
    foreground = next(la for la in compositor.layers if la.name == "foreground")
    unit = size[1] / 1080

    def fresh() -> None:
        canvas.blit(picture, (0, 0))

    def on_fresh(step: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            fresh()
            step()

        return run

    base = _median_ms(fresh)
    rng = np.random.default_rng(1)
    lights = Lights(rng.uniform(0, size[0], 150), rng.uniform(0.4, 0.9, 150) * size[1], 900.0,
                    np.tile(np.array([[240.0, 190, 130]]), (150, 1)), rng.uniform(0.3, 1, 150))  # fmt: skip
    from installation.visuals.figures import build, figure, standing

    people = [figure(round(120 * unit), build(rng), standing(rng),
                     ((70, 45, 50), (160, 110, 90), (40, 26, 28))) for _ in range(40)]  # fmt: skip
    soft_people = [blurred_sprite(p, radius_step(6 * unit))[0] for p in people]
    spots = [(int(x), int(y)) for x, y in rng.uniform(0, 1, (150, 2)) * np.array(size) * 0.9]
    v = foreground.values(frame)
    rows = [
        ("lens: soften the canvas, 8 px", lambda: canvas.blit(soften(canvas, 8 * unit), (0, 0))),
        ("lens: soften the canvas, 24 px", lambda: canvas.blit(soften(canvas, 24 * unit), (0, 0))),
        ("lens: soften a skyline's rows, 24 px", lambda: _soften_rows(canvas, skyline, frame, 24 * unit)),
        ("lens: 150 discs of lights, 12 px", lambda: draw_discs(canvas, lights, _optics(12 * unit, size))),
        ("lens: a near railing (soft, premultiplied)", lambda: foreground.draw_onto(canvas, frame, v)),
        ("lens: 150 figures through the lens, 6 px", lambda: canvas.fblits(
            [(soft_people[i % 40], spots[i]) for i in range(150)], pygame.BLEND_PREMULTIPLIED)),
        ("film: rolloff (highlight shoulder)", lambda: effects["rolloff"].apply(canvas, frame)),
        ("film: grain (per frame, by brightness)", lambda: effects["grain"].apply(canvas, frame)),
        ("film: grade with its shoulder (gain 1.3)", lambda: _graded(effects["grade"], canvas, frame)),
    ]  # fmt: skip
    other = new_surface(size)
    blit = _median_ms(lambda: other.blit(picture, (0, 0)), 200)
    out = []
    for name, step in rows:
        ms = max(0.0, _median_ms(on_fresh(step)) - base)
        out.append({"pass": name, "ms": round(ms, 2), "passes": round(ms / blit, 1)})
    out.append({"pass": "a full-frame blit (the unit)", "ms": round(blit, 3), "passes": 1.0})
    return out


def _optics(radius: float, size: tuple[int, int]):
    """A lens focused at 1.6 m that blurs lights 900 m off by ``radius`` px."""
    from installation.visuals.lens import Optics

    return Optics(1.6, radius / abs(1 / 900 - 1 / 1.6), 1.0, 0.5, size)


def _soften_rows(canvas, layer, frame, radius: float) -> None:
    top = layer.top_row(frame, layer.values(frame))
    part = canvas.subsurface(pygame.Rect(0, top, canvas.get_width(), canvas.get_height() - top))
    from installation.visuals.raster import soften

    part.blit(soften(part, radius), (0, 0))


def _graded(grade, canvas, frame) -> None:
    from installation.visuals.post.grade import Grade

    if not isinstance(grade, Grade):
        return
    bright = grade.params.model_copy(update={"gain": 1.3})
    original, grade.params = grade.params, bright
    try:
        grade.apply(canvas, frame)
    finally:
        grade.params = original


def format_passes(rows: list[dict]) -> str:
    width = max(len(r["pass"]) for r in rows)
    lines = [f"{'pass':{width}s}      ms   passes", "-" * (width + 18)]
    lines += [f"{r['pass']:{width}s} {r['ms']:7.2f} {r['passes']:8.1f}" for r in rows]
    return "\n".join(lines)

"""The theme played: its statements given to the scene's voices, note by note.

``form.Theme`` says when and how the melody is stated; this puts its notes on a voice, in that
voice's register (moved as the form's section moves every voice) and the scene's key, keeps the
voice's own phrases quiet while it plays, and tells the harmony where to re-harmonise. A
statement is on the theme's own voice (the first melodic voice, or the first named) or on
another: the second melodic voice, or, in a scene with one, the top line of the strings or the
pad (they keep playing their chords under it). Every note it plays is kept in ``played`` (time,
voice, MIDI note), so what the score did can be checked.
"""

from __future__ import annotations

from installation.sound.form import Form, Statement, Theme
from installation.sound.harmony import NOTES, scale_notes
from installation.sound.voice import Voice, VoiceContext

__all__ = ["ThemePlayer"]

#: a statement, when it ends, and its notes (onset s, length s, scale degree)
_Stated = list[tuple[Statement, float, list[tuple[float, float, int]]]]


class ThemePlayer:
    def __init__(self, degrees: list[int], beats: list[float], form: Form, ctx: VoiceContext):
        self.ctx = ctx
        self.form = form
        self.theme = Theme(degrees, beats, form, ctx.clock.seconds_per_beat())
        self.cast_voices: list[Voice] = []
        self.scale = scale_notes(ctx.key, ctx.mode, 0, 127)
        self.played: list[tuple[float, str, int]] = []
        self._statements: dict[int, _Stated] = {}  # by form cycle: asked for every block

    def cast(self, voices: list[Voice], chosen) -> None:
        """The voices that take the theme: those named (the first is its own), or every melodic
        one; a carrier (strings, pad) takes the other statements when only one is melodic."""
        names = getattr(chosen, "voices", None)
        if names:
            by_name = {v.address.removeprefix("sound."): v for v in voices}
            by_kind = {type(v).name: v for v in reversed(voices)}
            self.cast_voices = [by_name.get(n) or by_kind[n] for n in names]
        else:
            self.cast_voices = [v for v in voices if v.melodic]
        if len(self.cast_voices) == 1:
            carriers = [v for v in voices if v.carries_theme and v not in self.cast_voices]
            self.cast_voices += carriers[:1]
        self._statements.clear()  # the harmony asked for them while the voices were built

    def statements(self, cycle: int) -> _Stated:
        if cycle not in self._statements:
            if len(self._statements) > 8:
                self._statements.clear()
            theme = self.theme
            self._statements[cycle] = [(s, s.start + theme.length(s), theme.notes(s))
                                       for s in theme.statements(cycle)]  # fmt: skip
        return self._statements[cycle]

    def reharmonised(self, t0: float, t1: float) -> bool:
        """Whether a chord sounding over [t0, t1) is re-harmonised: it meets the span of a
        statement that asks for it."""
        cycle, _ = self.form.cycle(t0)
        for statement, end, _ in self.statements(cycle) + self.statements(cycle + 1):
            if statement.reharmonise and t0 < end and statement.start < t1:
                return True
        return False

    def voice_of(self, statement: Statement) -> Voice:
        return self.cast_voices[min(statement.voice, len(self.cast_voices) - 1)]

    def tick(self, t0: float, t1: float) -> None:
        """Play the theme's notes that fall in [t0, t1)."""
        if not self.cast_voices:
            return
        cycle, _ = self.form.cycle(t0)
        for statement, end, notes in self.statements(cycle - 1) + self.statements(cycle):
            if end < t0 - 1.0 or statement.start >= t1:
                continue
            voice = self.voice_of(statement)
            if voice.melodic:  # its own phrases wait; a carrier plays its chords on
                voice.quiet_until = max(voice.quiet_until, end + self.ctx.clock.seconds_per_beat())
            for onset, length, degree in notes:
                if t0 <= onset < t1:
                    midi = self._note(voice, degree, onset)
                    voice.play_note(midi, statement.velocity, length)
                    self.played.append((onset, voice.address, midi))
            if t0 <= end < t1:
                voice.release()

    def _note(self, voice: Voice, degree: int, t: float) -> int:
        """Scale degree ``degree`` (0 the tonic) placed in ``voice``'s register at ``t``: the tonic
        a little under the middle of its range, so the melody sits where it sings best."""
        low, high = voice.register_at(t)
        tonic_pc = NOTES[self.ctx.key]
        middle = (low + high) / 2 - 4
        tonics = [i for i, n in enumerate(self.scale) if n % 12 == tonic_pc]
        home = min(tonics, key=lambda i: abs(self.scale[i] - middle))
        index = min(len(self.scale) - 1, max(0, home + degree))
        return self.scale[index]

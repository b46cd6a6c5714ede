"""`plan.window`: the part of a plan a preview renders, cut exactly."""

from pathlib import Path

from ensemble.timelines.plan import (
    CreditCard,
    Output,
    Plan,
    Sound,
    Still,
    TitleCard,
    VideoClip,
    window,
)

CLIP = VideoClip("video 2", Path("walk.mp4"), "mov", 10.0, 14.0)  # 4 s, from 10 s in
PLAN = Plan(
    Output(320, 180, 10),
    (
        TitleCard("video 1", "Title", "", 2.0),  # 0–2
        CLIP,  # 2–6
        Still("video 3", Path("city.png"), 3.0),  # 6–9
        CreditCard("video 4", (), 10.0),  # 9–19
    ),
    ((Sound("audio 1.1", Path("score.m4a"), "mov", 1.0, 9.0, 1.0, -3.0, 1.0, 2.0),),),
)


def test_a_window_cuts_shots_to_it_and_moves_a_clips_in_and_out():
    part = window(PLAN, 3.0, 7.0)
    assert part.seconds == 4.0
    clip, still = part.shots
    assert (clip.start, clip.end) == (11.0, 14.0)
    assert still.seconds == 1.0


def test_a_card_cut_by_a_window_moves_as_the_whole_card_would():
    (card,) = window(PLAN, 12.0, 15.0).shots
    assert (card.seconds, card.lead, card.full) == (3.0, 3.0, 10.0)


def test_a_sound_cut_by_a_window_keeps_only_the_fades_inside_it():
    (sound,) = window(PLAN, 3.0, 7.0).tracks[0]
    assert (sound.start, sound.end, sound.at) == (3.0, 7.0, 0.0)
    assert (sound.fade_in, sound.fade_out, sound.gain_db) == (0.0, 0.0, -3.0)
    (whole,) = window(PLAN, 0.0, 19.0).tracks[0]
    assert whole == PLAN.tracks[0][0]
    assert window(PLAN, 10.0, 19.0).tracks == ((),)

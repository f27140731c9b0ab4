"""The real-time player: window, pacing, input, HUD, hot reload, shows, remote control."""

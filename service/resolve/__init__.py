"""Following redirect chains over the network behind the SSRF guard: the address policy, the
guarded connector and the one resolve loop.."""

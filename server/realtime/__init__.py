"""Transport only: the Socket.IO server (connect, rooms) and the bus that carries committed events to it.

It never imports services: socket auth is a function handed in at app creation (server.api.socket_auth).
"""

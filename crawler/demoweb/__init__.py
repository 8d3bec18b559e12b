"""The bundled synthetic demo web and the loopback proxy that serves it."""

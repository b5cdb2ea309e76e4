"""A WSGI app that does nothing, under waitress with tinyapp's settings: what serving costs.

It reads the body and answers a fixed JSON object, so a request costs only what
waitress (parsing, threads, sockets) costs. bench_write_cpu.py compares tinyapp's
server CPU per order with it.
Run: python trivial_wsgi.py PORT THREADS
"""

import sys

import waitress

ANSWER = b'{"id": 1, "status": "draft"}'


def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(ANSWER)))])
    return [ANSWER]


if __name__ == "__main__":
    server = waitress.create_server(app, host="127.0.0.1", port=int(sys.argv[1]),
                                    threads=int(sys.argv[2]), ident="trivial")
    print(f"serving http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()

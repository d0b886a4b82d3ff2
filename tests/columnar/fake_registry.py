"""A small local HTTP responder for the Schema Registry endpoints Tributary reads. No real
Schema Registry can run here (it is a JVM service), so tests use this instead; it implements
the documented responses of:

  GET /schemas/ids/{id}                 {"schema": "<schema text>", "schemaType"?,
                                        "references"?} | 404 {"error_code": 40403}
  GET /schemas/guids/{guid}             the same, by the schema's GUID
  GET /subjects/{subject}/versions/{v}  {"subject", "id", "version", "schema"} | 404 40401
  ?format=serialized                    Protobuf schemas: "schema" is the base64
                                        FileDescriptorProto instead of the .proto text

usage: /usr/bin/python3 fake_registry.py SCHEMAS_JSON [USER:PASSWORD]
SCHEMAS_JSON maps ids to {"subject": ..., "schema": <Avro schema as JSON>} or, for other
schema types, {"subject", "schemaType": "PROTOBUF"|"JSON", "schemaText": <schema text>,
"serialized"?: <base64 FileDescriptorProto>, "references"?: [...], "guid"?: <GUID>}. Prints
the port it listens on (127.0.0.1), then serves until GET /shutdown or until its parent
exits.
"""
import base64
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCHEMAS = {int(k): v for k, v in json.loads(open(sys.argv[1]).read()).items()}
AUTH = sys.argv[2] if len(sys.argv) > 2 else None


def body(entry, serialized):
    """The response members of one schema (schemaType is omitted for Avro, as the registry
    does)."""
    if "schemaText" not in entry:
        return {"schema": json.dumps(entry["schema"])}
    out = {"schemaType": entry["schemaType"], "schema": entry["schemaText"]}
    if serialized and "serialized" in entry:
        out["schema"] = entry["serialized"]
    if entry.get("references"):
        out["references"] = entry["references"]
    if entry.get("guid"):
        out["guid"] = entry["guid"]
    return out


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/shutdown":
            self.reply(200, {})
            threading.Thread(target=self.server.shutdown).start()
            return
        if AUTH:
            want = "Basic " + base64.b64encode(AUTH.encode()).decode()
            if self.headers.get("Authorization") != want:
                self.reply(401, {"error_code": 40101, "message": "Unauthorized"})
                return
        url = urllib.parse.urlsplit(self.path)
        serialized = urllib.parse.parse_qs(url.query).get("format") == ["serialized"]
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        if len(parts) == 3 and parts[:2] == ["schemas", "ids"] and parts[2].isdigit():
            entry = SCHEMAS.get(int(parts[2]))
            if entry is None:
                self.reply(404, {"error_code": 40403, "message": "Schema not found"})
            else:
                self.reply(200, body(entry, serialized))
            return
        if len(parts) == 3 and parts[:2] == ["schemas", "guids"]:
            entry = next((e for e in SCHEMAS.values() if e.get("guid") == parts[2]), None)
            if entry is None:
                self.reply(404, {"error_code": 40403, "message": "Schema not found"})
            else:
                self.reply(200, body(entry, serialized))
            return
        if len(parts) == 4 and parts[0] == "subjects" and parts[2] == "versions":
            versions = sorted(i for i, e in SCHEMAS.items() if e["subject"] == parts[1])
            if not versions:
                self.reply(404, {"error_code": 40401, "message": "Subject not found"})
                return
            v = len(versions) if parts[3] == "latest" else int(parts[3])
            sid = versions[v - 1]
            self.reply(200, {"subject": parts[1], "id": sid, "version": v,
                             **body(SCHEMAS[sid], serialized)})
            return
        self.reply(404, {"error_code": 404, "message": "Not found"})

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        server.shutdown()

    threading.Thread(target=watch_parent, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()

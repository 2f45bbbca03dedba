#!/usr/bin/env python3
"""A MongoDB server for the tests: mockupdb speaks the wire protocol, montydb (in memory)
stores the documents and runs the queries and updates, and this file answers each command
the way mongod does, with SCRAM-SHA-256 authentication.

  ARRAKIS_TEST_MONGO_USER=u ARRAKIS_TEST_MONGO_PASSWORD=p mongo_test_server.py [--port N]

The user is an `admin` user (the password comes from the environment, never argv).
Prints the port on stdout once it listens; stops on SIGTERM or when stdin closes.
With ARRAKIS_TEST_MONGO_LOG=FILE it appends each command's name and database to FILE.

Commands: hello/isMaster (with speculative authentication), saslStart, saslContinue, ping,
buildInfo, endSessions, insert, update, delete, find, getMore, killCursors, count,
aggregate ($match, $sort, $skip, $limit, $project and a counting $group), createIndexes,
listIndexes, listCollections, listDatabases, create, drop, dropDatabase.
Indexes are recorded (montydb has none) and unique ones are enforced on insert.
"""
import base64
import datetime
import hashlib
import hmac
import os
import secrets
import signal
import sys
import threading
import traceback
import weakref
from collections import OrderedDict

import bson
from bson import Int64, ObjectId
from mockupdb import MockupDB
from montydb import MontyClient
from montydb.engine.queries import QueryFilter

ITERATIONS = 4096  # libmongoc's minimum for SCRAM-SHA-256
MAX_BATCH_BYTES = 16 * 1024 * 1024
NO_AUTH_NEEDED = {"hello", "ismaster", "saslstart", "saslcontinue", "ping", "buildinfo", "endsessions"}


class Failure(Exception):
    """A command error as mongod reports it."""

    def __init__(self, code, name, message):
        super().__init__(message)
        self.code, self.name, self.message = code, name, message


class ScramUser:
    """Server-side SCRAM-SHA-256 credentials (RFC 5802/7677), as mongod stores them."""

    def __init__(self, name, password):
        self.name = name
        self.salt = secrets.token_bytes(28)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), self.salt, ITERATIONS)
        self.stored_key = hashlib.sha256(self._hmac(salted, b"Client Key")).digest()
        self.server_key = self._hmac(salted, b"Server Key")

    @staticmethod
    def _hmac(key, data):
        return hmac.new(key, data, hashlib.sha256).digest()

    def start(self, client_first):
        """First step; returns (conversation state, server-first-message)."""
        if not client_first.startswith("n,"):
            raise Failure(18, "AuthenticationFailed", "Authentication failed.")
        bare = client_first.split(",", 2)[2]
        attrs = dict(part.split("=", 1) for part in bare.split(","))
        user = attrs.get("n", "").replace("=2C", ",").replace("=3D", "=")
        nonce = attrs["r"] + base64.b64encode(secrets.token_bytes(24)).decode()
        server_first = "r=%s,s=%s,i=%d" % (nonce, base64.b64encode(self.salt).decode(), ITERATIONS)
        return {"user": user, "bare": bare, "server_first": server_first, "nonce": nonce}, server_first

    def finish(self, state, client_final):
        """Second step: checks the proof; returns the server-final-message."""
        without_proof, _, proof = client_final.rpartition(",p=")
        attrs = dict(part.split("=", 1) for part in without_proof.split(","))
        auth_message = ",".join([state["bare"], state["server_first"], without_proof]).encode()
        signature = self._hmac(self.stored_key, auth_message)
        try:
            client_key = bytes(a ^ b for a, b in zip(base64.b64decode(proof), signature))
        except ValueError:
            client_key = b""
        if (state["user"] != self.name or attrs.get("r") != state["nonce"] or attrs.get("c") != "biws"
                or not hmac.compare_digest(hashlib.sha256(client_key).digest(), self.stored_key)):
            raise Failure(18, "AuthenticationFailed", "Authentication failed.")
        return "v=" + base64.b64encode(self._hmac(self.server_key, auth_message)).decode()


class Server:
    def __init__(self, user, password, port=None):
        self.user = ScramUser(user, password) if user else None
        self.monty = MontyClient(":memory:")
        self.indexes = {}  # (db, collection) -> OrderedDict name -> spec
        self.cursors = {}  # id -> (namespace, remaining documents)
        self.connections = weakref.WeakKeyDictionary()  # socket -> {"authenticated", "sasl"}
        self.connection_ids = 0
        self.log = open(os.environ["ARRAKIS_TEST_MONGO_LOG"], "a") if os.environ.get("ARRAKIS_TEST_MONGO_LOG") else None
        self.mock = MockupDB(port=port, request_timeout=int(1e6))
        self.mock.autoresponds(self.handle)

    # The connection and dispatch

    def handle(self, request):
        """Answers one request (mockupdb runs one at a time)."""
        doc = request.doc
        if "$query" in doc:
            doc = doc["$query"]
        name = next(iter(doc), "")
        db = doc.get("$db") or request.namespace or "admin"
        state = self.connections.setdefault(request._client, {"authenticated": self.user is None, "sasl": None})
        if self.log:
            self.log.write("%s %s\n" % (name, db))
            self.log.flush()
        try:
            method = getattr(self, "cmd_" + name.lower(), None)
            if method is None:
                raise Failure(59, "CommandNotFound", "no such command: '%s'" % name)
            if not state["authenticated"] and name.lower() not in NO_AUTH_NEEDED:
                raise Failure(13, "Unauthorized", "command %s requires authentication" % name)
            reply = method(doc, db, state)
            reply.setdefault("ok", 1.0)
        except Failure as f:
            reply = OrderedDict([("ok", 0.0), ("errmsg", f.message), ("code", f.code), ("codeName", f.name)])
        except Exception as e:  # a bug here: say so to the client rather than hang up
            traceback.print_exc(file=sys.stderr)
            reply = OrderedDict([("ok", 0.0), ("errmsg", "test server: %s: %s" % (type(e).__name__, e)),
                                 ("code", 1), ("codeName", "InternalError")])
        request.replies(reply)
        return True

    # Handshake and authentication

    def cmd_hello(self, doc, db, state):
        self.connection_ids += 1
        reply = OrderedDict([
            ("helloOk", True), ("ismaster", True), ("isWritablePrimary", True),
            ("maxBsonObjectSize", 16 * 1024 * 1024), ("maxMessageSizeBytes", 48000000),
            ("maxWriteBatchSize", 100000), ("localTime", datetime.datetime.now(datetime.timezone.utc)),
            ("logicalSessionTimeoutMinutes", 30), ("connectionId", self.connection_ids),
            ("minWireVersion", 0), ("maxWireVersion", 17), ("readOnly", False),
        ])
        if "saslSupportedMechs" in doc and self.user:
            reply["saslSupportedMechs"] = ["SCRAM-SHA-256"] if doc["saslSupportedMechs"] == "admin." + self.user.name else []
        spec = doc.get("speculativeAuthenticate")
        if spec and spec.get("mechanism") == "SCRAM-SHA-256":
            try:
                reply["speculativeAuthenticate"] = self.cmd_saslstart(spec, spec.get("db", "admin"), state)
            except Failure:
                pass  # the client then authenticates the ordinary way, and fails there
        return reply

    cmd_ismaster = cmd_hello

    def cmd_saslstart(self, doc, db, state):
        if doc.get("mechanism") != "SCRAM-SHA-256" or self.user is None or db != "admin":
            raise Failure(18, "AuthenticationFailed", "Authentication failed.")
        sasl, server_first = self.user.start(bytes(doc["payload"]).decode())
        sasl["skip_empty"] = bool((doc.get("options") or {}).get("skipEmptyExchange"))
        sasl["step"] = 1
        state["sasl"] = sasl
        return OrderedDict([("conversationId", 1), ("done", False), ("payload", server_first.encode())])

    def cmd_saslcontinue(self, doc, db, state):
        sasl = state["sasl"]
        if sasl is None or doc.get("conversationId") != 1:
            raise Failure(17, "ProtocolError", "No SASL session state found")
        if sasl["step"] == 2:  # the empty last exchange
            state["sasl"] = None
            state["authenticated"] = True
            return OrderedDict([("conversationId", 1), ("done", True), ("payload", b"")])
        try:
            server_final = self.user.finish(sasl, bytes(doc["payload"]).decode())
        except Failure:
            state["sasl"] = None
            raise
        sasl["step"] = 2
        if sasl["skip_empty"]:
            state["sasl"] = None
            state["authenticated"] = True
        return OrderedDict([("conversationId", 1), ("done", sasl["skip_empty"]), ("payload", server_final.encode())])

    def cmd_ping(self, doc, db, state):
        return OrderedDict()

    def cmd_buildinfo(self, doc, db, state):
        return OrderedDict([("version", "6.0.0"), ("versionArray", [6, 0, 0, 0]), ("maxBsonObjectSize", 16 * 1024 * 1024)])

    def cmd_endsessions(self, doc, db, state):
        return OrderedDict()

    # Writes

    def cmd_insert(self, doc, db, state):
        coll = self.monty[db][doc["insert"]]
        n, errors = 0, []
        for i, d in enumerate(doc.get("documents", [])):
            if "_id" not in d:
                d = OrderedDict([("_id", ObjectId())] + list(d.items()))
            try:
                self._check_unique(db, doc["insert"], d)
                coll.insert_one(d)
                n += 1
            except Failure as f:
                errors.append(OrderedDict([("index", i), ("code", f.code), ("errmsg", f.message)]))
                if doc.get("ordered", True):
                    break
        return self._write_reply(OrderedDict([("n", n)]), errors)

    def cmd_update(self, doc, db, state):
        coll = self.monty[db][doc["update"]]
        n = modified = 0
        upserted, errors = [], []
        for i, u in enumerate(doc.get("updates", [])):
            try:
                q, change, upsert = u.get("q", {}), u["u"], bool(u.get("upsert", False))
                if isinstance(change, list):
                    raise Failure(9, "FailedToParse", "test server: pipeline updates are not supported")
                if change and all(k.startswith("$") for k in change):
                    op = coll.update_many if u.get("multi") else coll.update_one
                    result = op(q, change, upsert=upsert)
                else:
                    result = coll.replace_one(q, change, upsert=upsert)
                n += result.matched_count
                modified += result.modified_count
                if result.upserted_id is not None:
                    n += 1
                    upserted.append(OrderedDict([("index", i), ("_id", result.upserted_id)]))
            except Failure as f:
                errors.append(OrderedDict([("index", i), ("code", f.code), ("errmsg", f.message)]))
            except Exception as e:
                errors.append(OrderedDict([("index", i), ("code", 2), ("errmsg", str(e))]))
            if errors and doc.get("ordered", True):
                break
        reply = OrderedDict([("n", n), ("nModified", modified)])
        if upserted:
            reply["upserted"] = upserted
        return self._write_reply(reply, errors)

    def cmd_delete(self, doc, db, state):
        coll = self.monty[db][doc["delete"]]
        n = 0
        for d in doc.get("deletes", []):
            op = coll.delete_one if d.get("limit", 0) == 1 else coll.delete_many
            n += op(d.get("q", {})).deleted_count
        return OrderedDict([("n", n)])

    @staticmethod
    def _write_reply(reply, errors):
        if errors:
            reply["writeErrors"] = errors
        return reply

    # Reads

    def cmd_find(self, doc, db, state):
        name = doc["find"]
        cursor = self.monty[db][name].find(doc.get("filter") or {}, doc.get("projection") or None)
        if doc.get("sort"):
            cursor = cursor.sort(list(doc["sort"].items()))
        if doc.get("skip"):
            cursor = cursor.skip(int(doc["skip"]))
        if doc.get("limit"):
            cursor = cursor.limit(abs(int(doc["limit"])))
        return self._cursor_reply(db, name, list(cursor), doc.get("batchSize"), doc.get("singleBatch", False))

    def cmd_getmore(self, doc, db, state):
        cursor_id = int(doc["getMore"])
        if cursor_id not in self.cursors:
            raise Failure(43, "CursorNotFound", "cursor id %d not found" % cursor_id)
        ns, docs = self.cursors.pop(cursor_id)
        batch, rest = self._batch(docs, doc.get("batchSize"))
        next_id = self._keep(ns, rest)
        return OrderedDict([("cursor", OrderedDict([("nextBatch", batch), ("id", Int64(next_id)), ("ns", ns)]))])

    def cmd_killcursors(self, doc, db, state):
        killed, missing = [], []
        for c in doc.get("cursors", []):
            (killed if self.cursors.pop(int(c), None) is not None else missing).append(c)
        return OrderedDict([("cursorsKilled", killed), ("cursorsNotFound", missing), ("cursorsAlive", []), ("cursorsUnknown", [])])

    def cmd_count(self, doc, db, state):
        cursor = self.monty[db][doc["count"]].find(doc.get("query") or {})
        if doc.get("skip"):
            cursor = cursor.skip(int(doc["skip"]))
        if doc.get("limit"):
            cursor = cursor.limit(abs(int(doc["limit"])))
        return OrderedDict([("n", len(list(cursor)))])

    def cmd_aggregate(self, doc, db, state):
        name = doc["aggregate"]
        stages = list(doc.get("pipeline", []))
        matches = []
        while stages and "$match" in stages[0]:
            matches.append(stages.pop(0)["$match"])
        query = matches[0] if len(matches) == 1 else ({"$and": matches} if matches else {})
        projection = stages.pop(0)["$project"] if stages and "$project" in stages[0] else None
        cursor = self.monty[db][name].find(query, projection)
        while stages and next(iter(stages[0])) in ("$sort", "$skip", "$limit"):
            op, arg = next(iter(stages.pop(0).items()))
            cursor = cursor.sort(list(arg.items())) if op == "$sort" else cursor.skip(int(arg)) if op == "$skip" else cursor.limit(int(arg))
        docs = list(cursor)
        if stages and "$group" in stages[0]:
            group = stages.pop(0)["$group"]
            if isinstance(group.get("_id"), str) and group["_id"].startswith("$"):
                raise Failure(40324, "Location40324", "test server: $group by a field is not supported")
            out = OrderedDict([("_id", group.get("_id"))])
            for field, acc in group.items():
                if field == "_id":
                    continue
                if not (isinstance(acc, dict) and list(acc) == ["$sum"] and isinstance(acc["$sum"], (int, float))):
                    raise Failure(40324, "Location40324", "test server: only {$sum: <number>} accumulators are supported")
                out[field] = acc["$sum"] * len(docs)
            docs = [out] if docs else []
        if stages:
            raise Failure(40324, "Location40324", "test server: unsupported pipeline stage %s" % next(iter(stages[0])))
        return self._cursor_reply(db, name, docs, (doc.get("cursor") or {}).get("batchSize"), False)

    def _cursor_reply(self, db, name, docs, batch_size, single_batch):
        ns = "%s.%s" % (db, name)
        batch, rest = self._batch(docs, batch_size if batch_size is not None else 101)
        cursor_id = 0 if single_batch else self._keep(ns, rest)
        return OrderedDict([("cursor", OrderedDict([("firstBatch", batch), ("id", Int64(cursor_id)), ("ns", ns)]))])

    @staticmethod
    def _batch(docs, batch_size):
        limit = int(batch_size) if batch_size else len(docs)
        size, count = 0, 0
        while count < min(limit, len(docs)):
            size += len(bson.encode(docs[count]))
            if count > 0 and size > MAX_BATCH_BYTES:
                break
            count += 1
        return docs[:count], docs[count:]

    def _keep(self, ns, rest):
        if not rest:
            return 0
        cursor_id = secrets.randbits(62) + 1
        self.cursors[cursor_id] = (ns, rest)
        return cursor_id

    # Indexes, collections, databases

    def cmd_createindexes(self, doc, db, state):
        name = doc["createIndexes"]
        created = self._ensure_collection(db, name)
        specs = self.indexes.setdefault((db, name), OrderedDict())
        before = len(specs) + 1
        for spec in doc.get("indexes", []):
            key = OrderedDict(spec["key"])
            options = {k: v for k, v in spec.items() if k not in ("key", "name", "v")}
            old = specs.get(spec["name"])
            if old is not None:
                if old["key"] != key:
                    raise Failure(86, "IndexKeySpecsConflict", "An existing index has the same name as the requested index but a different key")
                if {k: v for k, v in old.items() if k not in ("key", "name", "v")} != options:
                    raise Failure(85, "IndexOptionsConflict", "Index with name: %s already exists with different options" % spec["name"])
                continue
            if options.get("unique"):
                seen = set()
                for d in self.monty[db][name].find({}):
                    k = self._key_tuple(d, key)
                    if k in seen:
                        raise Failure(11000, "DuplicateKey", "E11000 duplicate key error collection: %s.%s index: %s" % (db, name, spec["name"]))
                    seen.add(k)
            specs[spec["name"]] = OrderedDict([("v", 2), ("key", key), ("name", spec["name"])] + list(options.items()))
        return OrderedDict([("numIndexesBefore", before), ("numIndexesAfter", len(specs) + 1),
                            ("createdCollectionAutomatically", created)])

    def cmd_listindexes(self, doc, db, state):
        name = doc["listIndexes"]
        if name not in self.monty[db].list_collection_names():
            raise Failure(26, "NamespaceNotFound", "ns does not exist: %s.%s" % (db, name))
        specs = [OrderedDict([("v", 2), ("key", OrderedDict([("_id", 1)])), ("name", "_id_")])]
        specs += list(self.indexes.get((db, name), {}).values())
        return self._cursor_reply(db, name, specs, (doc.get("cursor") or {}).get("batchSize"), False)

    def cmd_listcollections(self, doc, db, state):
        infos = [OrderedDict([("name", n), ("type", "collection"), ("options", OrderedDict()),
                              ("info", OrderedDict([("readOnly", False)]))])
                 for n in self.monty[db].list_collection_names()]
        return self._cursor_reply(db, "$cmd.listCollections", self._filtered(infos, doc.get("filter")), None, False)

    def cmd_listdatabases(self, doc, db, state):
        infos = [OrderedDict([("name", n), ("sizeOnDisk", 0), ("empty", False)]) for n in self.monty.list_database_names()]
        infos = self._filtered(infos, doc.get("filter"))
        if doc.get("nameOnly"):
            infos = [OrderedDict([("name", d["name"])]) for d in infos]
        return OrderedDict([("databases", infos), ("totalSize", 0)])

    def cmd_create(self, doc, db, state):
        if not self._ensure_collection(db, doc["create"]):
            raise Failure(48, "NamespaceExists", "Collection %s.%s already exists." % (db, doc["create"]))
        return OrderedDict()

    def cmd_drop(self, doc, db, state):
        name = doc["drop"]
        if name not in self.monty[db].list_collection_names():
            raise Failure(26, "NamespaceNotFound", "ns not found")
        self.monty[db].drop_collection(name)
        was = len(self.indexes.pop((db, name), {})) + 1
        return OrderedDict([("ns", "%s.%s" % (db, name)), ("nIndexesWas", was)])

    def cmd_dropdatabase(self, doc, db, state):
        self.monty.drop_database(db)
        for key in [k for k in self.indexes if k[0] == db]:
            del self.indexes[key]
        return OrderedDict([("dropped", db)])

    def _ensure_collection(self, db, name):
        if name in self.monty[db].list_collection_names():
            return False
        self.monty[db].create_collection(name)
        return True

    @staticmethod
    def _filtered(docs, spec):
        if not spec:
            return docs
        query = QueryFilter(spec)
        return [d for d in docs if query(d)]

    @staticmethod
    def _value_at(doc, path):
        for part in path.split("."):
            doc = doc.get(part) if isinstance(doc, dict) else None
        return doc

    @classmethod
    def _key_tuple(cls, doc, key):
        return tuple(repr(cls._value_at(doc, path)) for path in key)

    def _check_unique(self, db, name, doc):
        for spec in self.indexes.get((db, name), {}).values():
            if spec.get("unique"):
                query = {path: self._value_at(doc, path) for path in spec["key"]}
                if self.monty[db][name].find_one(query) is not None:
                    raise Failure(11000, "DuplicateKey", "E11000 duplicate key error collection: %s.%s index: %s dup key"
                                      % (db, name, spec["name"]))

    # Running

    def serve(self):
        port = self.mock.run()
        print(port, flush=True)
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        os._exit(0)  # the OS closes the sockets; mockupdb's own stop joins threads slowly


def main():
    port = None
    if "--port" in sys.argv:
        port = int(sys.argv[sys.argv.index("--port") + 1])
    Server(os.environ.get("ARRAKIS_TEST_MONGO_USER"), os.environ.get("ARRAKIS_TEST_MONGO_PASSWORD", ""), port).serve()


if __name__ == "__main__":
    main()

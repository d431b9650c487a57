// weird.log: everything malformed or unexpected nsm met, by Zeek's weird names, with the connection
// when there is one.
import { on, Log, networkTime } from "nsm";

Log.createStream("Weird::LOG", {
  path: "weird",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    name: "string",
    addl: "string",
    notice: "bool",
    peer: "string",
    source: "string",
  },
});

const PEER = "zeek";

on("conn_weird", (name, c, addl, source) => {
  Log.write("Weird::LOG", {
    ts: networkTime(),
    uid: c.uid,
    id: c.id,
    name,
    addl: addl || undefined,
    notice: false,
    peer: PEER,
    source: source || undefined,
  });
});

on("net_weird", (name, addl, source) => {
  Log.write("Weird::LOG", { ts: networkTime(), name, addl: addl || undefined, notice: false, peer: PEER, source: source || undefined });
});

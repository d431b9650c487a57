// Prints the FTP events as the corpus test compares them with tshark's decoding.
import { on, print } from "nsm";

on("ftp_request", (_c, command, arg) => print(`request\t${command}\t${arg}`));
on("ftp_reply", (_c, code, _msg, cont_resp) => print(`reply\t${code}\t${cont_resp}`));

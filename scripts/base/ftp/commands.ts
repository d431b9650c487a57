// Matching server replies to the commands waiting for them, as Zeek's base/protocols/ftp
// utils-commands does: clients may send several commands before the first reply (pipelining), so
// a reply goes to the pending command that fits it best: a reply code the command may get (RFC 959
// section 5.4 and the extensions' RFCs), then its name or argument quoted in the reply's text.
import { networkTime, type FtpCmdArg } from "nsm";

/** Zeek's FTP::cmd_reply_code: the reply codes each command may get (0: an unexpected pair seen in traces). */
const REPLY_CODES: Record<string, readonly number[]> = {
  "<init>": [120, 220, 421, 0],
  USER: [230, 331, 332, 421, 530, 500, 501],
  PASS: [230, 202, 332, 421, 530, 500, 501, 503],
  ACCT: [230, 202, 421, 530, 500, 501, 503],
  CWD: [250, 421, 500, 501, 502, 530, 550],
  CDUP: [200, 250, 421, 500, 501, 502, 530, 550],
  SMNT: [202, 250, 421, 500, 501, 502, 530, 550],
  REIN: [120, 220, 421, 500, 502],
  QUIT: [221, 500, 0],
  PORT: [200, 421, 500, 501, 530],
  PASV: [227, 421, 500, 501, 502, 530],
  MODE: [200, 421, 500, 501, 502, 504, 530],
  TYPE: [200, 421, 500, 501, 504, 530],
  STRU: [200, 421, 500, 501, 504, 530],
  ALLO: [200, 202, 421, 500, 501, 504, 530],
  REST: [200, 350, 421, 500, 501, 502, 530],
  STOR: [110, 125, 150, 226, 250, 421, 425, 426, 451, 551, 552, 532, 450, 452, 553, 500, 501, 530, 550],
  STOU: [110, 125, 150, 226, 250, 421, 425, 426, 451, 551, 552, 532, 450, 452, 553, 500, 501, 530, 550],
  RETR: [110, 125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 501, 530, 550],
  LIST: [125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 501, 502, 530, 550],
  NLST: [125, 150, 226, 250, 421, 425, 426, 451, 450, 500, 501, 502, 530, 550],
  APPE: [125, 150, 226, 250, 421, 425, 426, 451, 551, 552, 532, 450, 550, 452, 553, 500, 501, 502, 530],
  RNFR: [350, 421, 450, 550, 500, 501, 502, 530],
  RNTO: [250, 421, 532, 553, 500, 501, 502, 503, 530],
  DELE: [250, 421, 450, 550, 500, 501, 502, 530],
  RMD: [250, 421, 500, 501, 502, 530, 550],
  MKD: [257, 421, 500, 501, 502, 530, 550],
  PWD: [257, 421, 500, 501, 502, 550],
  ABOR: [225, 226, 421, 500, 501, 502],
  SYST: [215, 421, 500, 501, 502, 530],
  STAT: [211, 212, 213, 421, 450, 500, 501, 502, 530],
  HELP: [200, 211, 214, 421, 500, 501, 502],
  SITE: [200, 202, 214, 500, 501, 502, 530],
  NOOP: [200, 421, 500],
  LPRT: [500, 501, 521],
  FEAT: [211, 500, 502],
  OPTS: [200, 451, 501],
  EPSV: [229, 500, 501],
  EPRT: [200, 500, 501, 522],
  SIZE: [213, 500, 501, 550],
  MDTM: [213, 500, 501, 550],
  MLST: [150, 226, 250, 500, 501, 550],
  MLSD: [150, 226, 250, 500, 501, 550],
  CLNT: [200, 500],
  MACB: [200, 500, 550],
  "<missing>": [0],
};

/** "500 syntax error" fits any command. */
const SYNTAX_ERROR = 500;

export function addPendingCmd(pending: Map<number, FtpCmdArg>, seq: number, cmd: string, arg: string): FtpCmdArg {
  const ca: FtpCmdArg = { ts: networkTime(), cmd, arg, seq, cwd_consumed: false };
  pending.set(seq, ca);
  return ca;
}

/** The pending command that best fits the reply; ties go to the oldest. */
export function getPendingCmd(pending: Map<number, FtpCmdArg>, code: number, msg: string): FtpCmdArg {
  let best: FtpCmdArg | undefined;
  let bestScore = -1;
  for (const ca of pending.values()) {
    let score = 0;
    if (code === SYNTAX_ERROR || (Object.hasOwn(REPLY_CODES, ca.cmd) && REPLY_CODES[ca.cmd].includes(code))) score += 100;
    if (msg.includes(ca.cmd)) score += 20;
    if (msg.includes(ca.arg)) score += 10;
    if (score > bestScore || (score === bestScore && best !== undefined && best.seq > ca.seq)) {
      bestScore = score;
      best = ca;
    }
  }
  // Zeek always has a command here (the session starts with "<init>"); a reply after every
  // command was taken gets its default CmdArg.
  return best ?? { ts: networkTime(), cmd: "<unknown>", arg: "", seq: 0, cwd_consumed: false };
}

export function removePendingCmd(pending: Map<number, FtpCmdArg>, ca: FtpCmdArg): boolean {
  return pending.delete(ca.seq);
}

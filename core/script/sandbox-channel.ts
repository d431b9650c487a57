// The raw path into one QuickJS context, for the calls made per event. quickjs-emscripten's handle
// API costs about 3 µs a call (lifetimes, a malloc per argument); here a call is a few FFI calls
// with preallocated memory (about 1 µs): the argument string is encoded into a scratch block, the
// lane (sandbox-lane.ts) is a block of WebAssembly memory the VM sees as an ArrayBuffer, and the
// returned string is decoded straight from the heap. QuickJS's C strings stop at a NUL and carry a
// lone surrogate as bytes that do not decode, so such strings travel as JSON text instead: the host
// checks what it sends, and checks what it receives against the length the VM put in the lane.
import type { EitherFFI, JSContextPointer, JSValuePointer, QuickJSContext, QuickJSHandle, QuickJSWASMModule } from "quickjs-emscripten";
import { LANE_SLOTS, SLOT } from "./sandbox-lane.ts";

const LANE_BYTES = LANE_SLOTS * 8;
const ARGV_BYTES = 16;
const SCRATCH_BYTES = 1 << 16;
const TEXT_BYTES = SCRATCH_BYTES - ARGV_BYTES;

/** What a C string cannot carry faithfully. */
const UNSAFE_TEXT = /[\0\ud800-\udfff]/;
const REPLACEMENT = "\ufffd";

export interface VmError {
  name?: string;
  message?: string;
  stack?: string;
}

type Pointer = number;

interface Views {
  lane: Float64Array;
  heap: Buffer;
  argv: Int32Array;
  text: Uint8Array;
}

export class SandboxChannel {
  private readonly ffi: EitherFFI;
  private readonly ctx: JSContextPointer;
  private readonly memory: WebAssembly.Memory;
  private readonly undefinedValue: JSValuePointer;
  private readonly lanePtr: Pointer;
  private readonly scratchPtr: Pointer;
  private readonly encoder = new TextEncoder();
  /** The ArrayBuffers that own the scratch block and the lane, so they are freed with the context. */
  private readonly scratchOwner: JSValuePointer;
  private readonly laneValue: JSValuePointer;
  private views: Views | undefined;
  /** The VM function that returns the last string it produced as JSON text. */
  resend: QuickJSHandle | undefined;
  /** The exception of the last call that returned null. */
  failure: VmError | string | undefined;

  constructor(module: QuickJSWASMModule, private readonly context: QuickJSContext) {
    this.ffi = module.getFFI();
    this.memory = module.getWasmMemory();
    // quickjs-emscripten keeps the context pointer protected; the raw calls need it.
    const ptr = (context as unknown as { ctx?: { value?: unknown } }).ctx?.value;
    if (typeof ptr !== "number") throw new Error("this quickjs-emscripten version does not expose the context pointer the sandbox needs");
    this.ctx = ptr as JSContextPointer;
    this.undefinedValue = this.ffi.QTS_GetUndefined() as unknown as JSValuePointer;
    const scratch = this.allocate(SCRATCH_BYTES);
    this.scratchPtr = scratch.ptr;
    this.scratchOwner = scratch.owner;
    const lane = this.allocate(LANE_BYTES);
    this.lanePtr = lane.ptr;
    this.laneValue = lane.owner;
    this.handOverLane();
  }

  /** Leaves the lane in `globalThis.__nsmLane`, where the shim takes it from. */
  private handOverLane(): void {
    const stash = this.context.unwrapResult(this.context.evalCode("(function (lane) { globalThis.__nsmLane = lane; })", "nsm:sandbox"));
    this.fresh().argv[0] = this.laneValue;
    const result = this.ffi.QTS_Call(this.ctx, stash.value, this.undefinedValue, 1, this.scratchPtr as never);
    stash.dispose();
    const error = this.ffi.QTS_ResolveException(this.ctx, result);
    this.ffi.QTS_FreeValuePointer(this.ctx, result);
    if (error) {
      this.ffi.QTS_FreeValuePointer(this.ctx, error);
      throw new Error("the sandbox could not hand its lane over");
    }
  }

  /** The lane, as a view that survives the memory growing. */
  lane(): Float64Array {
    return this.fresh().lane;
  }

  /**
   * Calls `fn(arg, extra?)` in the VM. Returns the string it returned (checked, JSON-decoded when it
   * had to travel as JSON), or null when it threw; `failure` then holds the exception.
   */
  call(fn: QuickJSHandle, arg: string, extra?: QuickJSHandle): string | null {
    const v = this.fresh();
    const json = UNSAFE_TEXT.test(arg);
    if (json) arg = JSON.stringify(arg);
    v.lane[SLOT.argIsJson] = json ? 1 : 0;
    const ffi = this.ffi;
    const ctx = this.ctx;
    let long: QuickJSHandle | undefined;
    let argValue: JSValuePointer;
    const written = this.encoder.encodeInto(arg, v.text);
    if (written.read === arg.length) {
      v.heap[this.scratchPtr + ARGV_BYTES + written.written] = 0;
      argValue = ffi.QTS_NewString(ctx, (this.scratchPtr + ARGV_BYTES) as never);
    } else {
      long = this.context.newString(arg);
      argValue = long.value as JSValuePointer;
    }
    v.argv[0] = argValue;
    if (extra) v.argv[1] = extra.value as number;
    const result = ffi.QTS_Call(ctx, fn.value, this.undefinedValue, extra ? 2 : 1, this.scratchPtr as never);
    if (long) long.dispose();
    else ffi.QTS_FreeValuePointer(ctx, argValue);
    const error = ffi.QTS_ResolveException(ctx, result);
    if (error) {
      ffi.QTS_FreeValuePointer(ctx, result);
      this.failure = this.dump(error);
      ffi.QTS_FreeValuePointer(ctx, error);
      return null;
    }
    const s = this.stringOf(result);
    ffi.QTS_FreeValuePointer(ctx, result);
    return s;
  }

  /** A string the VM produced (returned, or passed to a host function), its length in the lane. */
  stringOf(value: JSValuePointer | number): string {
    const expected = this.fresh().lane[SLOT.resultLength];
    if (expected === 0) return "";
    const text = this.read(value as JSValuePointer);
    if (text.length === expected && !text.includes(REPLACEMENT)) return text;
    return this.resent();
  }

  private resending = false;

  /** The VM's last string again, as JSON text (which a C string carries faithfully). */
  private resent(): string {
    if (this.resend === undefined || this.resending) throw new Error("a string from the sandbox could not be decoded");
    this.resending = true;
    try {
      const json = this.call(this.resend, "");
      const text: unknown = json === null ? undefined : JSON.parse(json);
      if (typeof text !== "string") throw new Error("a string from the sandbox could not be decoded");
      return text;
    } finally {
      this.resending = false;
    }
  }

  private read(value: JSValuePointer): string {
    const chars = this.ffi.QTS_GetString(this.ctx, value) as number;
    const heap = this.fresh().heap;
    const text = heap.toString("utf8", chars, heap.indexOf(0, chars));
    this.ffi.QTS_FreeCString(this.ctx, chars as never);
    return text;
  }

  private dump(error: JSValuePointer): VmError | string {
    const chars = this.ffi.QTS_Dump(this.ctx, error) as number;
    const heap = this.fresh().heap;
    const text = heap.toString("utf8", chars, heap.indexOf(0, chars));
    this.ffi.QTS_FreeCString(this.ctx, chars as never);
    try {
      return JSON.parse(text) as VmError | string;
    } catch {
      return text;
    }
  }

  /**
   * `bytes` of zeroed WebAssembly memory at a fixed address, owned by an ArrayBuffer of the context:
   * QuickJS hands out a malloc'd copy of a buffer's bytes, and adopts a malloc'd block as a buffer.
   */
  private allocate(bytes: number): { ptr: Pointer; owner: JSValuePointer } {
    const source = this.context.unwrapResult(this.context.evalCode(`new ArrayBuffer(${bytes})`));
    const ptr = this.ffi.QTS_GetArrayBuffer(this.ctx, source.value) as number;
    source.dispose();
    if (!ptr) throw new Error("the sandbox could not allocate its lane");
    return { ptr, owner: this.ffi.QTS_NewArrayBuffer(this.ctx, ptr as never, bytes) };
  }

  /** Views over WebAssembly memory are detached when it grows; they are made again then. */
  private fresh(): Views {
    let v = this.views;
    if (v === undefined || v.lane.length === 0) {
      const buffer = this.memory.buffer;
      v = this.views = {
        lane: new Float64Array(buffer, this.lanePtr, LANE_SLOTS),
        heap: Buffer.from(buffer),
        argv: new Int32Array(buffer, this.scratchPtr, ARGV_BYTES / 4),
        text: new Uint8Array(buffer, this.scratchPtr + ARGV_BYTES, TEXT_BYTES - 1),
      };
    }
    return v;
  }

  /** Frees what the channel holds in the context; the context is disposed after. */
  dispose(): void {
    this.ffi.QTS_FreeValuePointer(this.ctx, this.laneValue);
    this.ffi.QTS_FreeValuePointer(this.ctx, this.scratchOwner);
    this.views = undefined;
  }
}

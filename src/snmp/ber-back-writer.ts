/** The answer outgrew the scratch buffer: net-snmp answers it instead. */
export class TooLarge extends Error {}

/**
 * BER written back to front into one scratch buffer, so each length is known when its header is
 * written and an answer costs one allocation (its copy out), not one per TLV.
 */
export class BackWriter {
  private readonly buf = Buffer.allocUnsafe(65_536);
  private pos = this.buf.length;

  reset(): void {
    this.pos = this.buf.length;
  }

  get size(): number {
    return this.buf.length - this.pos;
  }

  private room(n: number): void {
    if (this.pos < n) throw new TooLarge();
  }

  byte(value: number): void {
    this.room(1);
    this.buf[--this.pos] = value;
  }

  bytes(source: Buffer): void {
    this.room(source.length);
    this.pos -= source.length;
    source.copy(this.buf, this.pos);
  }

  utf8(text: string): number {
    const length = Buffer.byteLength(text, 'utf8');
    this.room(length);
    this.pos -= length;
    this.buf.write(text, this.pos, 'utf8');
    return length;
  }

  header(tag: number, contentLength: number): void {
    if (contentLength < 0x80) this.byte(contentLength);
    else {
      let octets = 0;
      for (let n = contentLength; n > 0; n = Math.floor(n / 256), octets++) this.byte(n % 256);
      this.byte(0x80 | octets);
    }
    this.byte(tag);
  }

  /** An unsigned value's content octets (a leading 0 keeps the top bit clear); returns their count. */
  unsigned(value: number): number {
    const before = this.size;
    let last = 0;
    let n = value;
    do {
      last = n % 256;
      this.byte(last);
      n = Math.floor(n / 256);
    } while (n > 0);
    if (last & 0x80) this.byte(0);
    return this.size - before;
  }

  /** A 32-bit signed value's two's-complement content octets, fewest (X.690 8.3); returns their count. */
  signed(value: number): number {
    const before = this.size;
    let n = value;
    for (;;) {
      const byte = n & 0xff;
      this.byte(byte);
      n >>= 8;
      if ((n === 0 && !(byte & 0x80)) || (n === -1 && byte & 0x80)) return this.size - before;
    }
  }

  bigUnsigned(value: bigint): number {
    const before = this.size;
    let last = 0;
    let n = value;
    do {
      last = Number(n & 0xffn);
      this.byte(last);
      n >>= 8n;
    } while (n > 0n);
    if (last & 0x80) this.byte(0);
    return this.size - before;
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(this.pos));
  }
}

// Draws build/icon.png (512×512), the app icon electron-builder turns into each platform's format:
// a mesh of small DAOs (teal) around one that posts a bounty (amber). Run: node build/make-icon.mjs
// Plain Node (zlib), no image libraries, so the icon can be regenerated anywhere.
import { writeFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';

const size = 512;
const samples = 4; // per axis, for anti-aliasing

const background = [30, 42, 74];
const link = [148, 163, 199];
const member = [94, 234, 212];
const bounty = [251, 191, 36];

const center = { x: 256, y: 262, r: 58 };
const ring = Array.from({ length: 5 }, (_, i) => {
  const angle = -Math.PI / 2 + (i * 2 * Math.PI) / 5;
  return { x: 256 + 158 * Math.cos(angle), y: 262 + 158 * Math.sin(angle), r: 40 };
});
const links = [
  ...ring.map((node) => [center, node]),
  ...ring.map((node, i) => [node, ring[(i + 1) % ring.length]]),
];

function insideRoundedSquare(x, y) {
  const margin = 16;
  const radius = 104;
  const qx = Math.max(Math.abs(x - 256) - (256 - margin - radius), 0);
  const qy = Math.max(Math.abs(y - 256) - (256 - margin - radius), 0);
  return qx * qx + qy * qy <= radius * radius;
}

function distanceToSegment(x, y, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy));
}

/** The colour at one sample point, or null outside the icon. */
function paint(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  if (Math.hypot(x - center.x, y - center.y) <= center.r) return bounty;
  for (const node of ring) if (Math.hypot(x - node.x, y - node.y) <= node.r) return member;
  for (const [a, b] of links) if (distanceToSegment(x, y, a, b) <= 7) return link;
  return background;
}

const rows = Buffer.alloc(size * (1 + size * 4));
for (let py = 0; py < size; py++) {
  const row = py * (1 + size * 4);
  rows[row] = 0; // PNG filter: none
  for (let px = 0; px < size; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let covered = 0;
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const colour = paint(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples);
        if (!colour) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        covered++;
      }
    }
    const at = row + 1 + px * 4;
    if (covered > 0) {
      rows[at] = Math.round(r / covered);
      rows[at + 1] = Math.round(g / covered);
      rows[at + 2] = Math.round(b / covered);
    }
    rows[at + 3] = Math.round((255 * covered) / (samples * samples));
  }
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bits per channel
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('icon.png', import.meta.url);
writeFileSync(out, png);
process.stdout.write(`wrote ${out.pathname} (${png.length} bytes)\n`);

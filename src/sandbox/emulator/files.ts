/** Files known to the emulator: uploads, media users send, and file ids/URLs bots pass around. */
import { randomBytes } from 'node:crypto';
import type { MediaSource } from './params.js';

export type FileKind =
  | 'photo'
  | 'document'
  | 'voice'
  | 'video'
  | 'video_note'
  | 'audio'
  | 'sticker'
  | 'animation';

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  /** Relative path under `/file/bot<token>/`, as getFile reports it. */
  filePath: string;
  /** The content; empty for files only known by a file id or URL the emulator never saw the bytes of. */
  bytes: Buffer;
  /** Declared size; may exceed `bytes.length` for generated files announced as huge. */
  size: number;
  fileName?: string;
  mimeType?: string;
}

export interface NewFile {
  bytes?: Buffer;
  size?: number;
  fileName?: string;
  mimeType?: string;
}

const FOLDERS: Readonly<Record<FileKind, string>> = {
  photo: 'photos',
  document: 'documents',
  voice: 'voice',
  video: 'videos',
  video_note: 'video_notes',
  audio: 'music',
  sticker: 'stickers',
  animation: 'animations',
};

const DEFAULT_EXTENSIONS: Readonly<Record<FileKind, string>> = {
  photo: 'jpg',
  document: 'dat',
  voice: 'oga',
  video: 'mp4',
  video_note: 'mp4',
  audio: 'mp3',
  sticker: 'webp',
  animation: 'mp4',
};

/** A 1×1 PNG: the picture users of the emulator "send". */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  add(kind: FileKind, file: NewFile, fileId?: string): StoredFile {
    this.counter += 1;
    const salt = randomBytes(4).toString('hex');
    const extension = /\.([A-Za-z0-9]{1,8})$/.exec(file.fileName ?? '')?.[1] ?? DEFAULT_EXTENSIONS[kind];
    const bytes = file.bytes ?? Buffer.alloc(0);
    const stored: StoredFile = {
      fileId: fileId ?? `EMU${kind.toUpperCase()}-${this.counter}-${salt}`,
      fileUniqueId: `EMU${this.counter}${salt}`,
      kind,
      filePath: `${FOLDERS[kind]}/file_${this.counter}.${extension}`,
      bytes,
      size: file.size ?? bytes.length,
      ...(file.fileName !== undefined ? { fileName: file.fileName } : {}),
      ...(file.mimeType !== undefined ? { mimeType: file.mimeType } : {}),
    };
    this.byId.set(stored.fileId, stored);
    this.byPath.set(stored.filePath, stored);
    return stored;
  }

  /**
   * The file a media argument refers to. Uploads are stored; unknown file ids and URLs are accepted
   * (Telegram would resolve them) and remembered without content so they can be sent on again.
   */
  resolve(source: MediaSource, kind: FileKind, defaults: NewFile = {}): StoredFile {
    if (source.kind === 'upload') {
      return this.add(kind, {
        bytes: source.file.bytes,
        fileName: source.file.fileName || defaults.fileName,
        mimeType: defaults.mimeType ?? guessMimeType(source.file.fileName, source.file.contentType),
      });
    }
    if (source.kind === 'file_id')
      return this.byId.get(source.fileId) ?? this.add(kind, defaults, source.fileId);
    const nameFromUrl = decodeURIComponent(new URL(source.url).pathname.split('/').at(-1) ?? '');
    return this.add(kind, { ...defaults, fileName: defaults.fileName ?? (nameFromUrl || undefined) });
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  clear(): void {
    this.byId.clear();
    this.byPath.clear();
  }
}

export function guessMimeType(fileName: string, declared: string): string | undefined {
  if (declared && declared !== 'application/octet-stream') return declared;
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const known: Readonly<Record<string, string>> = {
    txt: 'text/plain',
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    json: 'application/json',
    csv: 'text/csv',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ogg: 'audio/ogg',
    oga: 'audio/ogg',
    mp3: 'audio/mpeg',
    mp4: 'video/mp4',
    zip: 'application/zip',
  };
  return extension ? known[extension] : undefined;
}

/** Width and height of a PNG or JPEG, for the PhotoSize of an uploaded picture. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    const length = bytes.readUInt16BE(offset + 2);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isStartOfFrame)
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  return undefined;
}

/** The message fields describing files (photo, document, voice...), shaped like Telegram's. */
import type { Audio, Document, PhotoSize, Sticker, Video, VideoNote, Voice } from 'grammy/types';
import { type FileKind, imageSize, type StoredFile } from './files.js';
import type { MessageContent } from './world.js';

/** Media-specific attributes, from a send call's parameters or an InputMedia object. */
export interface MediaAttributes {
  duration?: number;
  width?: number;
  height?: number;
  length?: number;
  performer?: string;
  title?: string;
  emoji?: string;
}

export function mediaAttributes(fields: Readonly<Record<string, unknown>>): MediaAttributes {
  const attributes: MediaAttributes = {};
  for (const key of ['duration', 'width', 'height', 'length'] as const) {
    const value = Number(fields[key]);
    if (fields[key] !== undefined && Number.isInteger(value)) attributes[key] = value;
  }
  for (const key of ['performer', 'title', 'emoji'] as const) {
    const value = fields[key];
    if (typeof value === 'string') attributes[key] = value;
  }
  return attributes;
}

/** The message field describing a file (`photo`, `document`...), shaped like Telegram's. */
export function mediaField(
  kind: Exclude<FileKind, 'animation'>,
  file: StoredFile,
  attributes: MediaAttributes,
): MessageContent {
  const ids = { file_id: file.fileId, file_unique_id: file.fileUniqueId };
  const size = file.size > 0 ? { file_size: file.size } : {};
  const fileName = file.fileName !== undefined ? { file_name: file.fileName } : {};
  const mimeType = file.mimeType !== undefined ? { mime_type: file.mimeType } : {};
  const duration = attributes.duration ?? 1;
  switch (kind) {
    case 'photo': {
      const dimensions = imageSize(file.bytes) ?? { width: 800, height: 600 };
      const photo: PhotoSize[] = [{ ...ids, ...dimensions, ...size }];
      return { photo };
    }
    case 'document': {
      const document: Document = { ...ids, ...fileName, ...mimeType, ...size };
      return { document };
    }
    case 'voice': {
      const voice: Voice = { ...ids, duration, mime_type: file.mimeType ?? 'audio/ogg', ...size };
      return { voice };
    }
    case 'video': {
      const video: Video = {
        ...ids,
        width: attributes.width ?? 640,
        height: attributes.height ?? 360,
        duration,
        ...fileName,
        mime_type: file.mimeType ?? 'video/mp4',
        ...size,
      };
      return { video };
    }
    case 'video_note': {
      const videoNote: VideoNote = { ...ids, length: attributes.length ?? 240, duration, ...size };
      return { video_note: videoNote };
    }
    case 'audio': {
      const audio: Audio = {
        ...ids,
        duration,
        ...(attributes.performer !== undefined ? { performer: attributes.performer } : {}),
        ...(attributes.title !== undefined ? { title: attributes.title } : {}),
        ...fileName,
        ...mimeType,
        ...size,
      };
      return { audio };
    }
    case 'sticker': {
      const sticker: Sticker = {
        ...ids,
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        ...(attributes.emoji !== undefined ? { emoji: attributes.emoji } : {}),
        ...size,
      };
      return { sticker };
    }
  }
}

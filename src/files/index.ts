export {
  messengerAttachmentId,
  messengerFiles,
  type MessengerUpload,
  type MessengerUploader,
} from "./messenger.js";
export {
  FileStore,
  type FileStoreOptions,
  type IncomingFile,
  isStoredRef,
  kindOfMime,
  mimeOfName,
  parseStoredRef,
  putFile,
  REFUSED_REF,
  STORED_PREFIX,
  type StoredFileContent,
  type StoredFileMeta,
  storeIncoming,
  storedRef,
} from "./store.js";
export { type FileToSend, sendFileToTelegram } from "./telegram.js";

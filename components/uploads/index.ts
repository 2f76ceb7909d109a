/** CSV files: the uploads bucket and processing-status table, and the bucket's notifications. */
export { UploadNotifications, type UploadNotificationsArgs } from "./uploadNotifications";
export { UploadStore, type UploadStoreArgs } from "./uploadStore";

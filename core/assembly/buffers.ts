// The fixed buffers that hosts write inputs into and read outputs from (docs/core-abi.md, "Buffers").
// Each is static memory, so its address never changes for the life of an instance and nothing is
// allocated per call.

export const FRAME_BUFFER_SIZE: u32 = 256;
export const NETWORK_KEY_BUFFER_SIZE: u32 = 32;
export const KEY_BUFFER_SIZE: u32 = 32;
export const DEVICE_ID_BUFFER_SIZE: u32 = 16;
export const MESSAGE_BUFFER_SIZE: u32 = 1024;
export const REQUEST_BUFFER_SIZE: u32 = 512;
export const SIGNATURE_BUFFER_SIZE: u32 = 64;
export const KEY_ID_BUFFER_SIZE: u32 = 64;
export const BATCH_BUFFER_SIZE: u32 = 65536;
/** The largest payload of any frame type: a chunk's 223 bytes, rounded up to 224. */
export const PAYLOAD_BUFFER_SIZE: u32 = 224;
/** The maximum decoded base64 value of a payload: 80 bytes, a sealed key. */
export const DECODED_BUFFER_SIZE: u32 = 80;
export const ARG_DEVICE_BUFFER_SIZE: u32 = 16;
/** Room for the largest state: 14 + 24 x 32 device records + 36 x 64 nonces is 3086 bytes. */
export const STATE_BUFFER_SIZE: u32 = 4096;

/** The longest status name, SIGNATURE_NONCANONICAL, is 22 bytes, so 32 leaves room to spare. */
export const STATUS_NAME_BUFFER_SIZE: u32 = 32;

export const frameBuffer: usize = memory.data(FRAME_BUFFER_SIZE, 16);
export const networkKeyBuffer: usize = memory.data(NETWORK_KEY_BUFFER_SIZE, 16);
export const keyBuffer: usize = memory.data(KEY_BUFFER_SIZE, 16);
export const deviceIdBuffer: usize = memory.data(DEVICE_ID_BUFFER_SIZE, 16);
export const messageBuffer: usize = memory.data(MESSAGE_BUFFER_SIZE, 16);
export const requestBuffer: usize = memory.data(REQUEST_BUFFER_SIZE, 16);
export const signatureBuffer: usize = memory.data(SIGNATURE_BUFFER_SIZE, 16);
export const keyIdBuffer: usize = memory.data(KEY_ID_BUFFER_SIZE, 16);
export const batchBuffer: usize = memory.data(BATCH_BUFFER_SIZE, 16);
export const payloadBuffer: usize = memory.data(PAYLOAD_BUFFER_SIZE, 16);
export const decodedBuffer: usize = memory.data(DECODED_BUFFER_SIZE, 16);
export const argDeviceBuffer: usize = memory.data(ARG_DEVICE_BUFFER_SIZE, 16);
export const stateBuffer: usize = memory.data(STATE_BUFFER_SIZE, 16);
export const statusNameBuffer: usize = memory.data(STATUS_NAME_BUFFER_SIZE, 16);

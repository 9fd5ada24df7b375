/** The shapes of the JSON vector files in this folder, shared by the generator and every test that reads them. */

/** One frame of frames.json, with the status each core check must return for it. */
export interface FrameVector {
  name: string;
  frame: string;
  network_public_key: string;
  signer_public_key: string;
  /** Status name of frame_decode. */
  decode: string;
  /** Status name of frame_verify under signer_public_key and network_public_key. */
  verify: string;
  fields?: { type: number; device_id: string; timestamp: number; seq: number; payload: string };
  signed_message?: string;
}

/** One class per way a safetensors checkpoint can be unusable; each message says what to do. */
import { DeepEyesError } from '../../base/errors';

export class SafetensorsError extends DeepEyesError {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super('bad_checkpoint', message);
  }
}

/** The file ends before its header or before the data its header promises. */
export class TruncatedSafetensorsError extends SafetensorsError {
  constructor(file: string, detail: string) {
    super(
      `${file} is truncated: ${detail}. The download was probably interrupted; fetch the file again ` +
        `and compare its size with the one listed on the hub.`,
      file,
    );
  }
}

/** The header length prefix or the header JSON itself is not valid. */
export class SafetensorsHeaderError extends SafetensorsError {
  constructor(file: string, detail: string) {
    super(
      `${file} has no valid safetensors header: ${detail}. Check that this really is a .safetensors file ` +
        `(not a Git LFS pointer, an HTML error page or a PyTorch .bin) and re-download it if needed.`,
      file,
    );
  }
}

/** A tensor's data_offsets disagree with its shape, overlap the file end or are malformed. */
export class TensorOffsetsError extends SafetensorsError {
  constructor(
    file: string,
    readonly tensor: string,
    detail: string,
  ) {
    super(
      `${file}: tensor ${tensor} has bad data_offsets: ${detail}. The file is corrupt or was written by ` +
        `a broken tool; regenerate or re-download it.`,
      file,
    );
  }
}

export class UnknownDtypeError extends SafetensorsError {
  constructor(
    file: string,
    readonly tensor: string,
    readonly dtype: string,
  ) {
    super(
      `${file}: tensor ${tensor} has dtype ${JSON.stringify(dtype)}, which this reader does not know ` +
        `(known: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL). Convert the checkpoint to bf16/f16/f32 first.`,
      file,
    );
  }
}

/** The tensor exists but its dtype cannot be turned into float32 (integers, bools). */
export class NotAFloatTensorError extends SafetensorsError {
  constructor(
    file: string,
    readonly tensor: string,
    readonly dtype: string,
  ) {
    super(`${file}: tensor ${tensor} is ${dtype}, not a float tensor; read it with readRaw() instead.`, file);
  }
}

/** model.safetensors.index.json names a shard file that is not in the folder. */
export class MissingShardError extends SafetensorsError {
  constructor(
    file: string,
    readonly shard: string,
  ) {
    super(
      `${file} maps tensors to ${shard}, but that file is missing. Download every ` +
        `model-XXXXX-of-YYYYY.safetensors shard listed in the index into the same folder.`,
      file,
    );
  }
}

/** The index file is not JSON or lacks weight_map, or lists a tensor its shard does not hold. */
export class SafetensorsIndexError extends SafetensorsError {
  constructor(file: string, detail: string) {
    super(
      `${file} is not a usable safetensors index: ${detail}. Re-download model.safetensors.index.json.`,
      file,
    );
  }
}

/** No model.safetensors and no index in the folder given. */
export class CheckpointNotFoundError extends SafetensorsError {
  constructor(path: string) {
    super(
      `${path} holds neither model.safetensors nor model.safetensors.index.json. Point at a Hugging Face ` +
        `model folder (or at one .safetensors file).`,
      path,
    );
  }
}

/** Two keys map to the same name after layout normalization, or a shard repeats a tensor. */
export class DuplicateTensorError extends SafetensorsError {
  constructor(
    file: string,
    readonly tensor: string,
  ) {
    super(
      `${file}: tensor ${tensor} appears twice (possibly once as model.language_model.* / model.visual.* ` +
        `and once in the old layout). Remove the stale copy from the checkpoint.`,
      file,
    );
  }
}

export class TensorNotFoundError extends SafetensorsError {
  constructor(
    file: string,
    readonly tensor: string,
  ) {
    super(
      `${file}: no tensor named ${tensor}. List the tensors with tensors() to see the names this ` +
        `checkpoint uses (keys are normalized to the transformers 4.50 layout).`,
      file,
    );
  }
}

/** A writer was given a tensor whose data does not match its shape or dtype. */
export class TensorDataError extends SafetensorsError {
  constructor(
    file: string,
    readonly tensor: string,
    detail: string,
  ) {
    super(`${file}: cannot write tensor ${tensor}: ${detail}. This is a bug in the code producing it.`, file);
  }
}

export class ReaderClosedError extends SafetensorsError {
  constructor(file: string) {
    super(`${file}: the reader was closed; open the checkpoint again before reading tensors.`, file);
  }
}

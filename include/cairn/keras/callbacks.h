// Every callback cairn ships, for one include:
// ModelCheckpoint, EarlyStopping, TensorBoard, BackupAndRestore, CSVLogger.
//
//   #include "cairn/keras/callbacks.h"
//   auto cp = std::make_shared<keras::ModelCheckpoint>("cp-{epoch:04d}.ckpt",
//       keras::ModelCheckpointOptions{.save_weights_only = true});
#pragma once

#include "cairn/keras/backup_and_restore.h"
#include "cairn/keras/callback.h"
#include "cairn/keras/csv_logger.h"
#include "cairn/keras/early_stopping.h"
#include "cairn/keras/model_checkpoint.h"
#include "cairn/keras/tensorboard.h"

// Every callback cairn ships, for one include:
// ModelCheckpoint, EarlyStopping, TensorBoard, BackupAndRestore, CSVLogger.
//
//   #include "cairn/keras/callbacks/callbacks.h"
//   auto cp = std::make_shared<keras::ModelCheckpoint>("cp-{epoch:04d}.ckpt",
//       keras::ModelCheckpointOptions{.save_weights_only = true});
#pragma once

#include "cairn/keras/callbacks/backup_and_restore.h"
#include "cairn/keras/callbacks/callback.h"
#include "cairn/keras/callbacks/csv_logger.h"
#include "cairn/keras/callbacks/early_stopping.h"
#include "cairn/keras/callbacks/model_checkpoint.h"
#include "cairn/keras/callbacks/tensorboard.h"

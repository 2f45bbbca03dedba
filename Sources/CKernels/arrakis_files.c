#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include "arrakis_kernels.h"

int arrakis_reserve_file(int descriptor, int64_t length) {
    return fallocate(descriptor, 0, 0, (off_t)length) == 0 ? 0 : errno;
}

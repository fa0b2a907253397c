#include "TestProcessSetup.h"

// OpenBLAS (Debian's libopenblas-dev, linked into the test binary through the Neural module)
extern void openblas_set_num_threads(int);

// The engine parallelises over the batch itself and runs OpenBLAS at one thread; the library never sets that
// (process-wide state), the executables do first thing (eccbench, eccbench-benchmarks), and so does the test
// process, at load, before any test runs.
__attribute__((constructor)) static void eccbench_tests_single_threaded_blas(void) { openblas_set_num_threads(1); }

void eccbench_test_process_setup(void) { openblas_set_num_threads(1); }

// The test process is an executable like eccbench: at load it sets what the executables set at start.
void eccbench_test_process_setup(void);

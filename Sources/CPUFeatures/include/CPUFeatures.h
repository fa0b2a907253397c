#ifndef CPU_FEATURES_H
#define CPU_FEATURES_H

// Runtime CPU feature detection for the kernel switch (`KernelPath` in the Base module).
// 1 when this CPU executes AVX2 and FMA (x86-64 only; 0 elsewhere).
int cpu_has_avx2_fma(void);
// 1 when this CPU also executes AVX-512 F, BW and VL (and the OS saves the zmm state).
int cpu_has_avx512bw(void);
// 1 when this CPU also executes AVX-512 VNNI (vpdpbusd).
int cpu_has_avx512vnni(void);

#endif

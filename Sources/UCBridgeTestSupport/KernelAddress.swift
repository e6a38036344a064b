/// The kernel text address of x86-64 without KASLR: an address in the
/// kernel's half of the address space, which a user pointer may never
/// name, for the tests of bad pointers.
package let kernelAddress: UInt64 = 0xffff_ffff_8100_0000

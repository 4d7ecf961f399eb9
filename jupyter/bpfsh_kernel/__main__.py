from ipykernel.kernelapp import IPKernelApp

from .kernel import BpfshKernel

IPKernelApp.launch_instance(kernel_class=BpfshKernel)

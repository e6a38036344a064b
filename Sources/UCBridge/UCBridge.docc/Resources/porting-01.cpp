#include <IOKit/IOKitLib.h>
#include <vector>

static const uint32_t kCommandIndex = 9;          // the driver's selector

kern_return_t send(const std::vector<char> &rawData)
{
    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault,
                                                       IOServiceMatching("MyDriver"));
    if (service == IO_OBJECT_NULL)
        return kIOReturnNotFound;
    io_connect_t connection = IO_OBJECT_NULL;
    kern_return_t kr = IOServiceOpen(service, mach_task_self(), 0, &connection);
    IOObjectRelease(service);
    if (kr != kIOReturnSuccess)
        return kr;
    kr = IOConnectCallMethod(connection, kCommandIndex, 0, 0,
                             rawData.data(), rawData.size(), 0, 0, 0, 0);
    IOServiceClose(connection);
    return kr;
}

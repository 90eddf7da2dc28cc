"""A small real training run with three phases, to capture GPU telemetry fixtures with known duty cycles:
busy (large batches), idle (memory held, no kernels: the 'GPU paid for, not used' case), stalled (small batches
behind a slow input pipeline)."""
import time
import torch

torch.manual_seed(0)
dev = torch.device("cuda")
model = torch.nn.Sequential(
    torch.nn.Linear(4096, 8192), torch.nn.GELU(),
    torch.nn.Linear(8192, 8192), torch.nn.GELU(),
    torch.nn.Linear(8192, 1000)).to(dev)
opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
loss_fn = torch.nn.CrossEntropyLoss()


def step(batch):
    x = torch.randn(batch, 4096, device=dev)
    y = torch.randint(0, 1000, (batch,), device=dev)
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


def phase(name, seconds, batch, stall):
    t0 = time.time()
    steps = 0
    while time.time() - t0 < seconds:
        loss = step(batch)
        steps += 1
        if stall:
            torch.cuda.synchronize()
            time.sleep(stall)
    torch.cuda.synchronize()
    print(f"{time.strftime('%H:%M:%S')} phase={name} seconds={seconds} batch={batch} steps={steps} loss={loss.item():.4f}", flush=True)


print(time.strftime('%H:%M:%S'), "start", torch.__version__, torch.cuda.get_device_name(0), flush=True)
phase("busy", 45, 4096, 0)
print(time.strftime('%H:%M:%S'), "idle: memory held, no work", flush=True)
time.sleep(30)
phase("stalled", 45, 512, 0.05)
print(time.strftime('%H:%M:%S'), "end", flush=True)

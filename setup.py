from setuptools import find_packages, setup

setup(
    name='kdmvnet_mm',
    version='0.1.0',
    description='Cross-view knowledge distillation for MMAction2: KD-MVNet, '
    'CMMVL, ViCoKD and MMCV',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['kdmvnet_mm', 'kdmvnet_mm.*']),
    python_requires='>=3.9',
    install_requires=[
        'mmaction2==1.2.0',
        'mmengine>=0.10.7,<1',
        'mmcv-lite==2.1.0',
        # mmaction2 imports it without declaring it
        'importlib_metadata',
        # mmaction2 1.2.0 uses np.Inf / np.trapz / np.in1d (see compat.py)
        'numpy<2',
        'torch',
        'matplotlib',
    ],
    extras_require=dict(
        deploy=['onnx>=1.14', 'onnxruntime>=1.16'],
        tensorboard=['tensorboard'],
        dev=['pytest', 'onnx>=1.14', 'onnxruntime>=1.16', 'tensorboard']),
)
